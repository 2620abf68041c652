package io.rayscribe.model;

import ai.djl.Device;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drafting on a random-weight bundle: streaming on the worker thread, attention capture, maps. */
class ReportDrafterTest {
    @TempDir
    static Path tmp;
    private static ModelBundle bundle;

    @BeforeAll
    static void build() {
        bundle = ModelBundle.load(ModelBundleTest.randomBundle(tmp.resolve("bundle")), Device.cpu());
    }

    @AfterAll
    static void close() {
        bundle.close();
    }

    @Test
    void draftStreamsTokensOnTheWorkerWithAttentionPerToken() throws Exception {
        List<TokenEvent> events = Collections.synchronizedList(new ArrayList<>());
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch finished = new CountDownLatch(1);
        GenerationSettings s = new GenerationSettings(true, 1f, 0, 1f, 0, 1f, 12, List.of(), false, true);
        try (ReportDrafter d = new ReportDrafter(bundle)) {
            assertEquals("random-tiny", d.modelName());
            assertEquals(4, d.regions().size());
            assertTrue(d.device().startsWith("cpu"), d.device());
            DraftHandle h = d.draft(ModelBundleTest.gradient(200, 160), s, new GenerationListener() {
                @Override
                public void onToken(TokenEvent event) {
                    events.add(event);
                    threads.add(Thread.currentThread().getName());
                }

                @Override
                public void onFinished(GenerationResult result) {
                    finished.countDown();
                }
            });
            GenerationResult r = h.await();
            finished.await();
            assertTrue(h.isDone());
            assertEquals(12, r.generatedIds().length);
            assertEquals(12, events.size());
            assertEquals(12, r.attention().size());
            assertTrue(threads.stream().allMatch(n -> n.startsWith("rayscribe-generation")), threads.toString());
            assertNotEquals(Thread.currentThread().getName(), threads.get(0));
            assertTrue(r.timeToFirstTokenSeconds() > 0);
            LlamaConfig c = bundle.llmConfig();
            for (int t = 0; t < 12; t++) {
                TokenAttention a = events.get(t).attention();
                assertNotNull(a);
                assertEquals(c.numHiddenLayers(), a.layers());
                assertEquals(c.numAttentionHeads(), a.heads());
                assertEquals(4, a.numPrompts());
                for (int l = 0; l < a.layers(); l++) {
                    double shareSum = 0;
                    for (int hd = 0; hd < a.heads(); hd++) {
                        double visual = 0;
                        for (int p = 0; p < 4; p++) {
                            visual += a.get(l, hd, p);
                        }
                        // Sink + visual is part of a row that sums to 1, so never above 1.
                        assertTrue(visual + a.sink()[l * a.heads() + hd] <= 1.0 + 1e-5);
                        shareSum += visual;
                    }
                    assertEquals(shareSum / a.heads(), a.visualShare()[l], 1e-5);
                }
            }
            float[] map = AttentionMaps.heatmap(r.attention(), 0, 12, -1, -1, true, false, 2, 2);
            float max = 0;
            for (float v : map) {
                assertTrue(v >= 0 && v <= 1);
                max = Math.max(max, v);
            }
            assertEquals(1f, max, 1e-6);
            int[] rank = AttentionMaps.rankPrompts(r.attention(), 0, 12, -1, -1, true, 2, 2);
            assertEquals(map[rank[0]], 1f, 1e-6);
            // Same request again (greedy): same tokens.
            GenerationResult again = d.draft(ModelBundleTest.gradient(200, 160), s, e -> { }).await();
            assertArrayEquals(r.generatedIds(), again.generatedIds());
        }
    }

    @Test
    void attentionRowsSumToOnePerHeadBeforeMasking() throws Exception {
        try (ReportDrafter d = new ReportDrafter(bundle)) {
            List<float[]> rows = new ArrayList<>();
            int[] shape = new int[3];
            // Capture the raw rows through the drafter's own session type (the DJL one here).
            try (DecoderSession s = Decoders.choose(bundle).open()) {
                ModelBundle.Prompt p = bundle.prompt(ModelBundleTest.gradient(64, 64), s);
                s.forward(p.embeddings(), (probs, layers, heads, positions) -> {
                    rows.add(probs);
                    shape[0] = layers;
                    shape[1] = heads;
                    shape[2] = positions;
                });
                s.forward(s.embed(new int[] {5}), (probs, layers, heads, positions) -> {
                    rows.add(probs);
                    shape[2] = positions;
                });
                assertEquals(p.embeddings().length + 1, shape[2]);
            }
            for (float[] row : rows) {
                int positions = row.length / (shape[0] * shape[1]);
                for (int lh = 0; lh < shape[0] * shape[1]; lh++) {
                    double sum = 0;
                    for (int k = 0; k < positions; k++) {
                        sum += row[lh * positions + k];
                    }
                    assertEquals(1.0, sum, 1e-5, "layer*head " + lh);
                }
            }
            assertNotNull(d.modelName());
        }
    }

    @Test
    void cancelStopsAtTheNextToken() throws Exception {
        GenerationSettings s = new GenerationSettings(true, 1f, 0, 1f, 0, 1f, 200, List.of(), false, false);
        try (ReportDrafter d = new ReportDrafter(bundle)) {
            DraftHandle[] handle = new DraftHandle[1];
            CountDownLatch started = new CountDownLatch(1);
            handle[0] = d.draft(ModelBundleTest.gradient(64, 64), s, e -> {
                started.countDown();
                if (e.index() == 3) {
                    handle[0].cancel();
                }
            });
            started.await();
            GenerationResult r = handle[0].await();
            assertEquals("cancelled", r.stopReason());
            assertEquals(4, r.generatedIds().length);
        }
    }

    @Test
    void tokensAlsoStreamThroughAFlowPublisherWithBackpressure() throws Exception {
        GenerationSettings s = new GenerationSettings(true, 1f, 0, 1f, 0, 1f, 10, List.of(), false, true);
        try (ReportDrafter d = new ReportDrafter(bundle)) {
            GenerationResult viaListener = d.draft(ModelBundleTest.gradient(120, 90), s, e -> { }).await();
            TokenPublisher pub = new TokenPublisher(l -> d.draft(ModelBundleTest.gradient(120, 90), s, l),
                    java.util.concurrent.ForkJoinPool.commonPool(), 2);
            List<Integer> ids = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch complete = new CountDownLatch(1);
            pub.subscribe(new java.util.concurrent.Flow.Subscriber<TokenEvent>() {
                private java.util.concurrent.Flow.Subscription sub;

                @Override
                public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                    sub = subscription;
                    sub.request(1); // one at a time: the generation waits for this subscriber
                }

                @Override
                public void onNext(TokenEvent item) {
                    ids.add(item.tokenId());
                    sub.request(1);
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onComplete() {
                    complete.countDown();
                }
            });
            assertTrue(complete.await(60, java.util.concurrent.TimeUnit.SECONDS));
            assertArrayEquals(viaListener.generatedIds(), ids.stream().mapToInt(Integer::intValue).toArray());
            assertArrayEquals(viaListener.generatedIds(), pub.handle().await().generatedIds());
        }
    }

    @Test
    void cancellingTheFlowSubscriptionStopsTheGeneration() throws Exception {
        GenerationSettings s = new GenerationSettings(true, 1f, 0, 1f, 0, 1f, 200, List.of(), false, false);
        try (ReportDrafter d = new ReportDrafter(bundle)) {
            TokenPublisher pub = new TokenPublisher(l -> d.draft(ModelBundleTest.gradient(64, 64), s, l),
                    java.util.concurrent.ForkJoinPool.commonPool(), 4);
            pub.subscribe(new java.util.concurrent.Flow.Subscriber<TokenEvent>() {
                private java.util.concurrent.Flow.Subscription sub;

                @Override
                public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                    sub = subscription;
                    sub.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(TokenEvent item) {
                    if (item.index() == 2) {
                        sub.cancel();
                    }
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onComplete() {
                }
            });
            GenerationResult r = pub.handle().await();
            assertEquals("cancelled", r.stopReason());
            assertTrue(r.generatedIds().length < 200, "stopped early: " + r.generatedIds().length);
        }
    }

    @Test
    void heatmapMaskingAndUpsampling() {
        // One token, one layer, two heads, 4 prompts; head 0 parks 0.9 on the sink.
        TokenAttention a = new TokenAttention(1, 2, 4, new float[] {0.05f, 0.0f, 0.05f, 0.0f, 0.1f, 0.2f, 0.3f, 0.4f},
                new float[] {0.9f, 0f}, new float[] {0.55f});
        float[] unmasked = AttentionMaps.heatmap(List.of(a), 0, 1, -1, -1, false, false, 2, 2);
        assertArrayEquals(new float[] {0.15f / 0.4f, 0.2f / 0.4f, 0.35f / 0.4f, 1f}, unmasked, 1e-6f);
        float[] head0 = AttentionMaps.heatmap(List.of(a), 0, 1, 0, 0, true, false, 2, 2);
        assertArrayEquals(new float[] {1f, 0f, 1f, 0f}, head0, 1e-6f);
        float[] max = AttentionMaps.heatmap(List.of(a), 0, 1, -1, -1, true, true, 2, 2);
        assertArrayEquals(new float[] {1f, 0.4f, 1f, 0.8f}, max, 1e-6f);
        assertArrayEquals(new int[] {3, 2, 1, 0}, AttentionMaps.rankPrompts(List.of(a), 0, 1, 0, 1, false, 2, 2));
        float[] up = AttentionMaps.upsample(new float[] {0, 1, 0, 1}, 2, 2, 4, 4);
        assertEquals(0f, up[0], 1e-6);
        assertEquals(1f, up[3], 1e-6);
        assertEquals(0.25f, up[1], 1e-6);
    }
}
