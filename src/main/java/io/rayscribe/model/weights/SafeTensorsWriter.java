package io.rayscribe.model.weights;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.rayscribe.core.Json;
import io.rayscribe.core.RayScribeException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes float tensors as a safetensors file (F32, F16 or BF16) with {@code __metadata__}.
 * Data streams out in chunks, and the file appears atomically (written to a temp file, then moved),
 * so a crash never leaves a half-written checkpoint under the final name.
 */
public final class SafeTensorsWriter {
    /** One tensor to write: row-major data and its shape. */
    public record Tensor(float[] data, long[] shape) {
        public Tensor {
            long n = SafeTensors.numel(shape);
            if (n != data.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
                        + " values, got " + data.length);
            }
        }
    }

    private SafeTensorsWriter() {
    }

    /** Writes all tensors as F32. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        write(file, tensors, metadata, DType.F32);
    }

    /** Writes all tensors in {@code dtype} (F32, F16 or BF16), names in sorted order. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, DType dtype) {
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("can write F32, F16 or BF16, not " + dtype);
        }
        Map<String, Tensor> sorted = new TreeMap<>(tensors);
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            new TreeMap<>(metadata).forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("'__metadata__' is not a valid tensor name");
            }
            long len = (long) e.getValue().data().length * dtype.bytes();
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", dtype.name());
            JsonArray shape = new JsonArray();
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            entry.add("shape", shape);
            JsonArray offs = new JsonArray();
            offs.add(offset);
            offs.add(offset + len);
            entry.add("data_offsets", offs);
            header.add(e.getKey(), entry);
            offset += len;
        }
        byte[] json = Json.COMPACT.toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // the format asks for 8-byte alignment of the data
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');

        Path abs = file.toAbsolutePath();
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        try {
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, padded);
                writeAll(ch, len);
                writeAll(ch, ByteBuffer.wrap(headerBytes));
                ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
                for (Tensor t : sorted.values()) {
                    writeTensor(ch, chunk, t.data(), dtype);
                }
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort cleanup
            }
            throw RayScribeException.forFile(abs, "cannot write safetensors: " + e.getMessage(), e);
        }
    }

    private static void writeTensor(FileChannel ch, ByteBuffer chunk, float[] data, DType dtype) throws IOException {
        int per = dtype.bytes();
        for (int i = 0; i < data.length; i++) {
            if (chunk.remaining() < per) {
                flush(ch, chunk);
            }
            switch (dtype) {
                case F32 -> chunk.putFloat(data[i]);
                case F16 -> chunk.putShort(Half.floatToF16(data[i]));
                default -> chunk.putShort(Half.floatToBf16(data[i]));
            }
        }
        flush(ch, chunk);
    }

    private static void flush(FileChannel ch, ByteBuffer chunk) throws IOException {
        chunk.flip();
        writeAll(ch, chunk);
        chunk.clear();
    }

    private static void writeAll(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
