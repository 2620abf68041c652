package io.rayscribe.model.weights;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.rayscribe.core.RayScribeException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads safetensors weights (one file, or a sharded set through {@code model.safetensors.index.json})
 * by memory mapping each tensor: nothing is read into one big array, so files past 2 GB work and a
 * model costs little more than its weight bytes. Every header is validated on open (offsets in range,
 * sizes agree with dtype and shape, known dtype); errors name the file and the tensor.
 * Thread-safe for reading once opened.
 */
public final class SafeTensors implements AutoCloseable {
    /** Single-file checkpoints are named this in Hugging Face directories. */
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";
    private static final long MAX_HEADER_BYTES = 100L << 20;

    /** Where one tensor lives: {@code offset} is the absolute byte position in {@code file}. */
    public record TensorInfo(String name, DType dtype, long[] shape, Path file, long offset, long byteLength) {
        public long numel() {
            return SafeTensors.numel(shape);
        }

        public String shapeString() {
            return Arrays.toString(shape);
        }
    }

    private final Path source;
    private final Map<String, TensorInfo> tensors;
    private final Map<Path, FileChannel> channels;
    private final Map<String, String> metadata;

    private SafeTensors(Path source, Map<String, TensorInfo> tensors, Map<Path, FileChannel> channels,
                        Map<String, String> metadata) {
        this.source = source;
        this.tensors = tensors;
        this.channels = channels;
        this.metadata = metadata;
    }

    /**
     * Opens a {@code .safetensors} file, a {@code model.safetensors.index.json}, or a directory
     * holding either (the single file is preferred).
     */
    public static SafeTensors open(Path path) {
        Path p = path.toAbsolutePath().normalize();
        if (Files.isDirectory(p)) {
            Path single = p.resolve(SINGLE_FILE);
            Path index = p.resolve(INDEX_FILE);
            if (Files.isRegularFile(single)) {
                p = single;
            } else if (Files.isRegularFile(index)) {
                p = index;
            } else {
                throw RayScribeException.forFile(p, "no " + SINGLE_FILE + " or " + INDEX_FILE + " in this directory");
            }
        }
        if (!Files.isRegularFile(p)) {
            throw RayScribeException.forFile(p, "weights file not found");
        }
        return p.getFileName().toString().endsWith(".json") ? openIndex(p) : openSingle(p);
    }

    private static SafeTensors openSingle(Path file) {
        Map<Path, FileChannel> channels = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new TreeMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        try {
            readShard(file, channels, tensors, metadata);
        } catch (RuntimeException e) {
            closeAll(channels);
            throw e;
        }
        return new SafeTensors(file, Collections.unmodifiableMap(tensors), channels, Collections.unmodifiableMap(metadata));
    }

    private static SafeTensors openIndex(Path indexFile) {
        JsonObject index;
        try {
            index = JsonParser.parseString(Files.readString(indexFile, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw RayScribeException.forFile(indexFile, "cannot read: " + e.getMessage(), e);
        } catch (JsonParseException | IllegalStateException e) {
            throw RayScribeException.forFile(indexFile, "not a valid safetensors index (bad JSON)");
        }
        JsonElement wm = index.get("weight_map");
        if (wm == null || !wm.isJsonObject()) {
            throw RayScribeException.forFile(indexFile, "missing \"weight_map\" object");
        }
        Map<String, String> weightMap = new TreeMap<>();
        for (Map.Entry<String, JsonElement> e : wm.getAsJsonObject().entrySet()) {
            if (!e.getValue().isJsonPrimitive()) {
                throw RayScribeException.forFile(indexFile, "tensor '" + e.getKey() + "': shard name is not a string");
            }
            weightMap.put(e.getKey(), e.getValue().getAsString());
        }
        Path dir = indexFile.getParent();
        Map<Path, FileChannel> channels = new LinkedHashMap<>();
        Map<String, TensorInfo> all = new TreeMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        try {
            for (String shard : new java.util.TreeSet<>(weightMap.values())) {
                Path shardFile = dir.resolve(shard).normalize();
                if (!shardFile.startsWith(dir)) {
                    throw RayScribeException.forFile(indexFile, "shard '" + shard + "' lies outside the index directory");
                }
                if (!Files.isRegularFile(shardFile)) {
                    throw RayScribeException.forFile(shardFile, "shard listed in " + indexFile.getFileName() + " is missing");
                }
                Map<String, TensorInfo> inShard = new TreeMap<>();
                readShard(shardFile, channels, inShard, metadata);
                for (Map.Entry<String, String> e : weightMap.entrySet()) {
                    if (e.getValue().equals(shard)) {
                        TensorInfo t = inShard.get(e.getKey());
                        if (t == null) {
                            throw RayScribeException.forFile(shardFile, "tensor '" + e.getKey() + "' listed in "
                                    + indexFile.getFileName() + " is not in this shard");
                        }
                        all.put(e.getKey(), t);
                    }
                }
            }
        } catch (RuntimeException e) {
            closeAll(channels);
            throw e;
        }
        return new SafeTensors(indexFile, Collections.unmodifiableMap(all), channels, Collections.unmodifiableMap(metadata));
    }

    /** Parses and validates one file's header, adding its tensors and metadata. */
    private static void readShard(Path file, Map<Path, FileChannel> channels, Map<String, TensorInfo> out,
                                  Map<String, String> metadata) {
        FileChannel ch;
        long size;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            channels.put(file, ch);
            size = ch.size();
        } catch (NoSuchFileException e) {
            throw RayScribeException.forFile(file, "file not found");
        } catch (IOException e) {
            throw RayScribeException.forFile(file, "cannot open: " + e.getMessage(), e);
        }
        if (size < 8) {
            throw RayScribeException.forFile(file, "truncated safetensors file (" + size + " bytes, no header)");
        }
        long headerLen = readLong(ch, file, 0);
        if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
            throw RayScribeException.forFile(file, "not a safetensors file or truncated: header length " + headerLen
                    + " does not fit the file size " + size);
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(ch, file, hb, 8);
        String text = new String(hb.array(), StandardCharsets.UTF_8);
        JsonObject header;
        try {
            header = JsonParser.parseString(text).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw RayScribeException.forFile(file, "corrupt safetensors header (not a JSON object)");
        }
        long dataStart = 8 + headerLen;
        long dataSize = size - dataStart;
        List<long[]> ranges = new ArrayList<>();
        List<String> rangeNames = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (e.getValue().isJsonObject()) {
                    for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                        metadata.putIfAbsent(m.getKey(), m.getValue().isJsonPrimitive() ? m.getValue().getAsString() : m.getValue().toString());
                    }
                }
                continue;
            }
            TensorInfo t = parseEntry(file, name, e.getValue(), dataStart, dataSize);
            if (out.containsKey(name)) {
                throw RayScribeException.forFile(file, "tensor '" + name + "' appears twice");
            }
            out.put(name, t);
            ranges.add(new long[] {t.offset(), t.offset() + t.byteLength()});
            rangeNames.add(name);
        }
        checkNoOverlap(file, ranges, rangeNames);
    }

    private static TensorInfo parseEntry(Path file, String name, JsonElement value, long dataStart, long dataSize) {
        String where = "tensor '" + name + "': ";
        if (!value.isJsonObject()) {
            throw RayScribeException.forFile(file, where + "header entry is not an object");
        }
        JsonObject o = value.getAsJsonObject();
        JsonElement dt = o.get("dtype");
        JsonElement sh = o.get("shape");
        JsonElement offs = o.get("data_offsets");
        if (dt == null || sh == null || offs == null || !sh.isJsonArray() || !offs.isJsonArray() || offs.getAsJsonArray().size() != 2) {
            throw RayScribeException.forFile(file, where + "header entry needs dtype, shape and two data_offsets");
        }
        DType dtype = DType.parse(dt.getAsString());
        if (dtype == null) {
            throw RayScribeException.forFile(file, where + "unknown dtype '" + dt.getAsString() + "'");
        }
        long[] shape = new long[sh.getAsJsonArray().size()];
        try {
            for (int i = 0; i < shape.length; i++) {
                shape[i] = sh.getAsJsonArray().get(i).getAsLong();
                if (shape[i] < 0) {
                    throw new NumberFormatException("negative");
                }
            }
        } catch (RuntimeException ex) {
            throw RayScribeException.forFile(file, where + "invalid shape " + sh);
        }
        long begin;
        long end;
        try {
            begin = offs.getAsJsonArray().get(0).getAsLong();
            end = offs.getAsJsonArray().get(1).getAsLong();
        } catch (RuntimeException ex) {
            throw RayScribeException.forFile(file, where + "invalid data_offsets " + offs);
        }
        if (begin < 0 || end < begin) {
            throw RayScribeException.forFile(file, where + "invalid data_offsets [" + begin + ", " + end + "]");
        }
        if (end > dataSize) {
            throw RayScribeException.forFile(file, where + "data ends at byte " + end + " but the file holds only "
                    + dataSize + " data bytes (truncated file?)");
        }
        long n = numel(shape);
        if (n < 0 || n * dtype.bytes() != end - begin) {
            throw RayScribeException.forFile(file, where + "byte length " + (end - begin) + " does not match "
                    + dtype + " " + Arrays.toString(shape));
        }
        return new TensorInfo(name, dtype, shape, file, dataStart + begin, end - begin);
    }

    private static void checkNoOverlap(Path file, List<long[]> ranges, List<String> names) {
        Integer[] order = new Integer[ranges.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> ranges.get(i)[0]));
        for (int k = 1; k < order.length; k++) {
            long[] prev = ranges.get(order[k - 1]);
            long[] cur = ranges.get(order[k]);
            if (cur[0] < prev[1] && cur[1] > cur[0]) {
                throw RayScribeException.forFile(file, "tensor '" + names.get(order[k]) + "' overlaps tensor '"
                        + names.get(order[k - 1]) + "' (corrupt header)");
            }
        }
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static long readLong(FileChannel ch, Path file, long pos) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, file, b, pos);
        return b.getLong(0);
    }

    private static void readFully(FileChannel ch, Path file, ByteBuffer b, long pos) {
        try {
            while (b.hasRemaining()) {
                int r = ch.read(b, pos + b.position());
                if (r < 0) {
                    throw RayScribeException.forFile(file, "truncated safetensors file");
                }
            }
        } catch (IOException e) {
            throw RayScribeException.forFile(file, "cannot read: " + e.getMessage(), e);
        }
    }

    /** The file or index this set was opened from. */
    public Path source() {
        return source;
    }

    /** Tensor names, sorted. */
    public Set<String> names() {
        return tensors.keySet();
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /** The {@code __metadata__} strings (merged over shards, first wins). */
    public Map<String, String> metadata() {
        return metadata;
    }

    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw RayScribeException.forFile(source, "tensor '" + name + "' is missing");
        }
        return t;
    }

    /** Sum of all tensors' byte lengths. */
    public long totalBytes() {
        long s = 0;
        for (TensorInfo t : tensors.values()) {
            s += t.byteLength();
        }
        return s;
    }

    /**
     * A read-only little-endian view of the tensor's bytes, memory mapped (no copy). Valid while the
     * process lives, also after {@link #close()}.
     */
    public ByteBuffer bytes(String name) {
        TensorInfo t = info(name);
        if (t.byteLength() > Integer.MAX_VALUE) {
            throw RayScribeException.forFile(t.file(), "tensor '" + name + "' is larger than 2 GB and cannot be mapped in one piece");
        }
        FileChannel ch = channels.get(t.file());
        if (ch == null || !ch.isOpen()) {
            throw RayScribeException.forFile(t.file(), "tensor '" + name + "': weights were closed");
        }
        try {
            return ch.map(FileChannel.MapMode.READ_ONLY, t.offset(), t.byteLength()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw RayScribeException.forFile(t.file(), "tensor '" + name + "': cannot map: " + e.getMessage(), e);
        }
    }

    /** F32 data without a copy (for the fast path); fails for other dtypes. */
    public FloatBuffer f32Buffer(String name) {
        TensorInfo t = info(name);
        if (t.dtype() != DType.F32) {
            throw RayScribeException.forFile(t.file(), "tensor '" + name + "' is " + t.dtype() + ", expected F32");
        }
        return bytes(name).asFloatBuffer();
    }

    /**
     * The tensor as floats, converting F16, BF16 and F64; integer types are rejected. Reads through
     * the file channel in chunks (not through a mapping), so the page cache behind it does not count
     * towards the process's resident memory.
     */
    public float[] floats(String name) {
        TensorInfo t = info(name);
        long n = t.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw RayScribeException.forFile(t.file(), "tensor '" + name + "' has too many elements for one array");
        }
        float[] out = new float[(int) n];
        readFloats(name, out, 0);
        return out;
    }

    /** Reads the tensor as floats into {@code dst} from {@code dstOffset} (used to pack several tensors). */
    public void readFloats(String name, float[] dst, int dstOffset) {
        TensorInfo t = info(name);
        if (!t.dtype().isFloat()) {
            throw RayScribeException.forFile(t.file(), "tensor '" + name + "' has dtype " + t.dtype() + ", expected a float type");
        }
        long n = t.numel();
        if (dstOffset < 0 || dstOffset + n > dst.length) {
            throw new IllegalArgumentException("destination too small for tensor '" + name + "'");
        }
        FileChannel ch = channels.get(t.file());
        if (ch == null || !ch.isOpen()) {
            throw RayScribeException.forFile(t.file(), "tensor '" + name + "': weights were closed");
        }
        int per = t.dtype().bytes();
        ByteBuffer chunk = ByteBuffer.allocate(Math.max(per, (int) Math.min(t.byteLength(), 256 << 10) / per * per))
                .order(ByteOrder.LITTLE_ENDIAN);
        long done = 0;
        int o = dstOffset;
        while (done < t.byteLength()) {
            chunk.clear();
            chunk.limit((int) Math.min(chunk.capacity(), t.byteLength() - done));
            readFully(ch, t.file(), chunk, t.offset() + done);
            chunk.flip();
            int count = chunk.remaining() / per;
            switch (t.dtype()) {
                case F32 -> chunk.asFloatBuffer().get(dst, o, count);
                case F64 -> {
                    for (int i = 0; i < count; i++) {
                        dst[o + i] = (float) chunk.getDouble(i * 8);
                    }
                }
                case F16 -> {
                    for (int i = 0; i < count; i++) {
                        dst[o + i] = Half.f16ToFloat(chunk.getShort(i * 2));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < count; i++) {
                        dst[o + i] = Half.bf16ToFloat(chunk.getShort(i * 2));
                    }
                }
                default -> throw new IllegalStateException(t.dtype().toString());
            }
            o += count;
            done += (long) count * per;
        }
    }

    /** Like {@link #floats(String)} after checking the shape; the error names the file and tensor. */
    public float[] floats(String name, long[] expectedShape) {
        checkShape(name, expectedShape);
        return floats(name);
    }

    /** Fails unless the tensor exists with a float dtype and exactly {@code expectedShape}. */
    public TensorInfo checkShape(String name, long[] expectedShape) {
        TensorInfo t = info(name);
        if (!Arrays.equals(t.shape(), expectedShape)) {
            throw RayScribeException.forFile(t.file(), "tensor '" + name + "' has shape " + t.shapeString()
                    + ", expected " + Arrays.toString(expectedShape));
        }
        if (!t.dtype().isFloat()) {
            throw RayScribeException.forFile(t.file(), "tensor '" + name + "' has dtype " + t.dtype() + ", expected F32, F16 or BF16");
        }
        return t;
    }

    /** Closes the file channels; buffers already mapped stay valid. */
    @Override
    public void close() {
        closeAll(channels);
    }

    private static void closeAll(Map<Path, FileChannel> channels) {
        for (FileChannel ch : channels.values()) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing a read-only channel: nothing to recover
            }
        }
    }
}
