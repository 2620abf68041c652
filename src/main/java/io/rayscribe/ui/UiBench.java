package io.rayscribe.ui;

import io.rayscribe.report.ReportStore;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.stage.Stage;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The UI benchmark: launch to study on screen, model load (with its warm-up) until Draft is enabled, Draft to
 * first token in the editor for every draft (the first after launch reported like the others, not dropped),
 * and the longest JavaFX-thread stall during a streamed draft and during a window/level drag. A stall is measured two
 * ways: a probe thread posts a runnable to the FX thread every 2 ms and records how late it runs, and
 * the gaps between consecutive pulses (frames) are recorded.
 */
public final class UiBench {
    private UiBench() {
    }

    /** Watches the FX thread while active. */
    static final class StallProbe {
        private final AtomicLong maxLatency = new AtomicLong();
        /** JVM uptime (ms) when the latest runnable ran: finds the stall in -Xlog:gc,safepoint:...:uptime logs. */
        private volatile long maxLatencyAtUptimeMs;
        private long gcCount0;
        private long gcMillis0;
        private long jitMillis0;
        private volatile boolean on;
        private long lastPulse;
        private long lastCpu;
        private long maxCpuPerFrame;
        private long maxCpuAtUptimeMs;
        private final java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private long maxPulseGap;
        private final List<Long> pulseGaps = new ArrayList<>();
        private final AnimationTimer pulses = new AnimationTimer() {
            @Override
            public void handle(long now) {
                long t = System.nanoTime();
                long cpu = threads.getCurrentThreadCpuTime(); // CPU the FX thread itself used (immune to other processes)
                if (lastCpu != 0 && cpu - lastCpu > maxCpuPerFrame) {
                    maxCpuPerFrame = cpu - lastCpu;
                    maxCpuAtUptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
                }
                lastCpu = cpu;
                if (lastPulse != 0) {
                    long gap = t - lastPulse;
                    maxPulseGap = Math.max(maxPulseGap, gap);
                    pulseGaps.add(gap);
                }
                lastPulse = t;
            }
        };

        void start() {
            maxLatency.set(0);
            gcCount0 = gcCount();
            gcMillis0 = gcMillis();
            jitMillis0 = jitMillis();
            on = true;
            FxDriver.run(() -> {
                lastPulse = 0;
                lastCpu = 0;
                maxCpuPerFrame = 0;
                maxCpuAtUptimeMs = 0;
                maxPulseGap = 0;
                pulseGaps.clear();
                pulses.start();
            });
            Thread t = new Thread(() -> {
                while (on) {
                    long posted = System.nanoTime();
                    Platform.runLater(() -> {
                        long late = System.nanoTime() - posted;
                        if (late > maxLatency.get()) {
                            maxLatency.set(late); // only the FX thread writes it
                            maxLatencyAtUptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
                        }
                    });
                    FxDriver.sleep(2);
                }
            }, "fx-stall-probe");
            t.setDaemon(true);
            t.start();
        }

        Map<String, Object> stop() {
            on = false;
            FxDriver.sleep(50);
            FxDriver.run(pulses::stop);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("max_fx_latency_ms", round(maxLatency.get() / 1e6));
            m.put("max_fx_latency_at_jvm_uptime_ms", maxLatencyAtUptimeMs);
            // Collector pauses in the window (on JDK 17 the G1 beans count pauses only): they stop the FX thread too.
            m.put("gc_collections", gcCount() - gcCount0);
            m.put("gc_time_ms", gcMillis() - gcMillis0);
            // JIT compiler threads' time in the window: they run at the FX thread's priority and take its core.
            m.put("jit_compile_ms", jitMillis() - jitMillis0);
            m.put("max_pulse_gap_ms", round(maxPulseGap / 1e6));
            m.put("max_fx_cpu_between_pulses_ms", round(maxCpuPerFrame / 1e6));
            m.put("max_fx_cpu_at_jvm_uptime_ms", maxCpuAtUptimeMs);
            List<Long> sorted = new ArrayList<>(pulseGaps);
            sorted.sort(Long::compare);
            m.put("p99_pulse_gap_ms", sorted.isEmpty() ? 0 : round(sorted.get((int) Math.min(sorted.size() - 1, Math.floor(sorted.size() * 0.99))) / 1e6));
            m.put("pulses", sorted.size());
            return m;
        }
    }

    private static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(b -> Math.max(0, b.getCollectionCount())).sum();
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(b -> Math.max(0, b.getCollectionTime())).sum();
    }

    private static long jitMillis() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /** The worst of every draft, the first after launch included (it is not a warm-up). */
    private static Map<String, Object> summary(List<Map<String, Object>> runs) {
        Map<String, Object> s = new LinkedHashMap<>();
        for (String k : List.of("draft_to_first_token_ms", "max_fx_latency_ms", "max_pulse_gap_ms", "max_fx_cpu_between_pulses_ms")) {
            s.put("worst_" + k, runs.stream().mapToDouble(r -> ((Number) r.get(k)).doubleValue()).max().orElse(0));
        }
        return s;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    public static Map<String, Object> run(Path study, Path model, Path dragImage, int drafts, int maxTokens, double dragSeconds) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        // Other processes on the machine take the cores from the FX thread: wall-clock stalls need this context.
        out.put("load_average_1min_at_start", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        long jvmStartMs = ManagementFactory.getRuntimeMXBean().getStartTime();
        Path reports = Files.createTempDirectory("rayscribe-bench-ui");
        long t0 = System.nanoTime();
        long t0Wall = System.currentTimeMillis();
        long[] buildCpu = new long[1];
        MainWindow w = FxDriver.call(() -> {
            long c0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            MainWindow m = new MainWindow(true, new ReportStore(reports));
            m.show(new Stage());
            m.open(List.of(study));
            buildCpu[0] = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c0;
            return m;
        });
        out.put("window_build_ms", round((System.nanoTime() - t0) / 1e6));
        out.put("window_build_fx_cpu_ms", round(buildCpu[0] / 1e6));
        try {
            FxDriver.waitFor(120, "the study on screen", () -> w.viewerView().hasImage());
            double launchToImage = (w.viewerView().lastImageNanos() - t0) / 1e6;
            out.put("window_to_study_on_screen_ms", round(launchToImage));
            out.put("jvm_start_to_study_on_screen_ms", round(t0Wall - jvmStartMs + launchToImage));

            long modelAsked = System.nanoTime();
            FxDriver.run(() -> w.loadModel(model));
            FxDriver.waitFor(600, "the model", () -> w.draft().engineProperty().get() != null || !w.draft().errorProperty().get().isEmpty());
            if (w.draft().engineProperty().get() == null) {
                throw new io.rayscribe.core.RayScribeException(FxDriver.call(() -> w.draft().errorProperty().get()));
            }
            out.put("model", FxDriver.call(() -> w.draft().engineProperty().get().modelName()));
            // Loading includes the drafter's warm-up and the UI warm-up: Draft is enabled only after both.
            out.put("model_load_to_draft_enabled_ms", round((System.nanoTime() - modelAsked) / 1e6));
            List<Map<String, Object>> runs = new ArrayList<>();
            StallProbe probe = new StallProbe();
            for (int i = 0; i < drafts; i++) {
                probe.start();
                long pressedAtUptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
                FxDriver.run(() -> {
                    w.draft().greedyProperty().set(true);
                    w.draft().maxTokensProperty().set(maxTokens);
                    w.draftReport();
                });
                FxDriver.waitFor(900, "the draft", () -> w.draft().tokensProperty().get() > 0 && !w.draft().runningProperty().get()
                        && w.draft().firstTokenShownAtNanos() > w.draftRequestedNanos());
                FxDriver.settle(300); // the end-of-draft attention refresh and restyle belong to this draft's stall
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("draft", i + 1);
                r.put("first_after_launch", i == 0);
                r.put("draft_to_first_token_ms", round((w.draft().firstTokenShownAtNanos() - w.draftRequestedNanos()) / 1e6));
                long draftStarted = w.draft().firstTokenShownAtNanos() - w.draft().firstTokenShownNanos();
                r.put("draft_to_model_request_ms", round((draftStarted - w.draftRequestedNanos()) / 1e6)); // the model image, rendered on a worker
                r.put("draft_to_first_token_produced_ms", round((w.draft().firstTokenProducedAtNanos() - w.draftRequestedNanos()) / 1e6));
                r.put("tokens", FxDriver.call(() -> w.draft().tokensProperty().get()));
                r.put("tokens_per_second", round(FxDriver.call(() -> w.draft().tokensPerSecondProperty().get())));
                r.putAll(probe.stop());
                // where in the draft the worst frames fell (the first token arrives at draft_to_first_token_ms)
                r.put("max_fx_latency_after_draft_pressed_ms", ((Number) r.get("max_fx_latency_at_jvm_uptime_ms")).longValue() - pressedAtUptimeMs);
                r.put("max_fx_cpu_after_draft_pressed_ms", ((Number) r.get("max_fx_cpu_at_jvm_uptime_ms")).longValue() - pressedAtUptimeMs);
                runs.add(r);
            }
            out.put("drafts", runs);
            out.put("summary_all_drafts", summary(runs));

            FxDriver.run(() -> w.open(List.of(dragImage)));
            FxDriver.waitFor(120, "the drag image", () -> w.viewer().frameProperty().get() != null && !w.viewer().loadingProperty().get()
                    && w.viewer().instanceProperty().get() != null
                    && w.viewer().instanceProperty().get().file().toAbsolutePath().normalize().startsWith(dragImage.toAbsolutePath().normalize())
                    && w.viewerView().hasImage());
            FxDriver.settle(500);
            out.put("drag_image", dragImage.getFileName().toString());
            out.put("drag_image_size", FxDriver.call(() -> w.viewer().frameProperty().get().width() + "x" + w.viewer().frameProperty().get().height()));
            long renderedBefore = w.viewerView().renderer().renderedCount();
            double renderMsBefore = w.viewerView().renderer().totalRenderMillis();
            AtomicLong maxHandlerNanos = new AtomicLong();
            AtomicLong events = new AtomicLong();
            AnimationTimer drag = new AnimationTimer() {
                private int step;

                @Override
                public void handle(long now) {
                    long t = System.nanoTime();
                    double dx = 3 * Math.sin(step / 15.0);
                    double dy = 2 * Math.cos(step / 20.0);
                    step++;
                    w.viewer().adjustWindow(dx, dy); // what a right-drag mouse event does
                    events.incrementAndGet();
                    maxHandlerNanos.accumulateAndGet(System.nanoTime() - t, Math::max);
                }
            };
            probe.start();
            FxDriver.run(drag::start);
            FxDriver.sleep((long) (dragSeconds * 1000));
            FxDriver.run(drag::stop);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("seconds", dragSeconds);
            d.put("wl_events", events.get());
            d.put("max_fx_handler_ms", round(maxHandlerNanos.get() / 1e6));
            d.putAll(probe.stop());
            long frames = w.viewerView().renderer().renderedCount() - renderedBefore;
            double renderMs = w.viewerView().renderer().totalRenderMillis() - renderMsBefore;
            d.put("frames_rendered", frames);
            d.put("rendered_fps", round(frames / dragSeconds));
            d.put("mean_render_ms_off_fx_thread", frames == 0 ? 0 : round(renderMs / frames));
            out.put("wl_drag", d);
            out.put("load_average_1min_at_end", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        } finally {
            FxDriver.run(w::close);
        }
        return out;
    }
}
