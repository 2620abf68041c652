package io.rayscribe.dicom;

import io.rayscribe.core.RayScribeException;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Decodes frames on demand and keeps the most recently used ones in a cache bounded by bytes.
 * Thread-safe: concurrent requests for the same frame share one decode.
 */
public final class FrameDecoder {
    private static final FrameDecoder SHARED = new FrameDecoder(defaultBudget());
    private static final int HEADER_CACHE = 64;

    private final long maxBytes;
    private final LinkedHashMap<Key, Frame> frames = new LinkedHashMap<>(16, 0.75f, true);
    private final LinkedHashMap<Path, DicomHeader> headers = new LinkedHashMap<>(16, 0.75f, true);
    private final ConcurrentHashMap<Key, CompletableFuture<Frame>> inFlight = new ConcurrentHashMap<>();
    private long bytes;

    private record Key(Path file, int frame) {
    }

    public FrameDecoder(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The process-wide decoder (cache: a quarter of the heap, at most 1 GB). */
    public static FrameDecoder shared() {
        return SHARED;
    }

    private static long defaultBudget() {
        return Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 4);
    }

    /**
     * Frame {@code frameIndex} (0-based) of {@code file}, decoded or from the cache.
     * @throws RayScribeException naming the file and the reason when it cannot be decoded
     */
    public Frame decode(Path file, int frameIndex) {
        Key key = new Key(file.toAbsolutePath().normalize(), frameIndex);
        synchronized (this) {
            Frame f = frames.get(key);
            if (f != null) {
                return f;
            }
        }
        CompletableFuture<Frame> mine = new CompletableFuture<>();
        CompletableFuture<Frame> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return await(running, key.file());
        }
        try {
            Frame f = PixelDecoder.decode(header(key.file()), frameIndex);
            put(key, f);
            mine.complete(f);
            return f;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    /** Reads the header and decodes one frame, bypassing every cache (for benchmarks). */
    public static Frame decodeUncached(Path file, int frameIndex) {
        return PixelDecoder.decode(DicomHeader.read(file.toAbsolutePath().normalize()), frameIndex);
    }

    private static Frame await(CompletableFuture<Frame> f, Path file) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RayScribeException.forFile(file, "interrupted while decoding");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw RayScribeException.forFile(file, "decoding failed", e.getCause());
        }
    }

    /** The parsed header of a file (small cache; headers are re-read when evicted). */
    DicomHeader header(Path file) {
        Path key = file.toAbsolutePath().normalize();
        synchronized (headers) {
            DicomHeader h = headers.get(key);
            if (h != null) {
                return h;
            }
        }
        DicomHeader h = DicomHeader.read(key);
        synchronized (headers) {
            headers.put(key, h);
            if (headers.size() > HEADER_CACHE) {
                Iterator<Path> it = headers.keySet().iterator();
                it.next();
                it.remove();
            }
        }
        return h;
    }

    private synchronized void put(Key key, Frame f) {
        long size = f.bytes();
        if (size > maxBytes) {
            return; // larger than the whole cache: hand it out uncached
        }
        Frame old = frames.put(key, f);
        if (old != null) {
            bytes -= old.bytes();
        }
        bytes += size;
        Iterator<Map.Entry<Key, Frame>> it = frames.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Map.Entry<Key, Frame> e = it.next();
            if (Objects.equals(e.getKey(), key)) {
                continue;
            }
            bytes -= e.getValue().bytes();
            it.remove();
        }
    }

    /** Bytes currently held by cached frames. */
    public synchronized long cachedBytes() {
        return bytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Drops every cached frame and header (e.g. after the files changed on disk). */
    public void clear() {
        synchronized (this) {
            frames.clear();
            bytes = 0;
        }
        synchronized (headers) {
            headers.clear();
        }
    }
}
