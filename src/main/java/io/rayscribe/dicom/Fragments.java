package io.rayscribe.dicom;

import io.rayscribe.core.RayScribeException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Encapsulated Pixel Data: items after the Basic Offset Table, grouped into frames. */
final class Fragments {
    private Fragments() {
    }

    static byte[] frame(DicomHeader h, int frames, int frameIndex) {
        ByteBuffer b = h.layout.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int pos = h.layout.pixelOffset();
        int end = b.limit();
        List<int[]> items = new ArrayList<>(); // {offset of value, length, offset of item from first fragment}
        int[] bot = null;
        boolean first = true;
        int firstFragmentItem = -1;
        while (true) {
            if (pos + 8 > end) {
                if (items.isEmpty()) {
                    throw RayScribeException.forFile(h.file, "encapsulated pixel data is truncated (no fragments)");
                }
                break; // tolerate a missing Sequence Delimitation after complete fragments
            }
            int group = b.getShort(pos) & 0xffff;
            int elem = b.getShort(pos + 2) & 0xffff;
            long len = b.getInt(pos + 4) & 0xffffffffL;
            if (group == 0xFFFE && elem == 0xE0DD) {
                break;
            }
            if (group != 0xFFFE || elem != 0xE000) {
                throw RayScribeException.forFile(h.file, "encapsulated pixel data: expected an item at byte " + pos
                        + ", found (" + DicomWalker.hex4(group) + "," + DicomWalker.hex4(elem) + ")");
            }
            if (len == 0xFFFFFFFFL || pos + 8 + len > end) {
                throw RayScribeException.forFile(h.file, "encapsulated pixel data: fragment at byte " + pos
                        + " declares " + len + " bytes but only " + Math.max(0, end - pos - 8) + " remain");
            }
            if (first) {
                int k = (int) (len / 4);
                bot = new int[k];
                for (int i = 0; i < k; i++) {
                    bot[i] = b.getInt(pos + 8 + 4 * i);
                }
                first = false;
            } else {
                if (firstFragmentItem < 0) {
                    firstFragmentItem = pos;
                }
                items.add(new int[] {pos + 8, (int) len, pos - firstFragmentItem});
            }
            pos += 8 + (int) len;
            if (items.size() > 10_000_000) {
                throw RayScribeException.forFile(h.file, "encapsulated pixel data has too many fragments");
            }
        }
        if (items.isEmpty()) {
            throw RayScribeException.forFile(h.file, "encapsulated pixel data has no fragments");
        }
        List<int[]> mine = select(h, b, items, bot, frames, frameIndex);
        long total = 0;
        for (int[] it : mine) {
            total += it[1];
        }
        byte[] out = new byte[(int) total];
        int o = 0;
        for (int[] it : mine) {
            b.get(it[0], out, o, it[1]);
            o += it[1];
        }
        return out;
    }

    private static List<int[]> select(DicomHeader h, ByteBuffer b, List<int[]> items, int[] bot, int frames, int frameIndex) {
        if (frames == 1) {
            return items;
        }
        if (items.size() == frames) {
            return List.of(items.get(frameIndex));
        }
        if (bot != null && bot.length == frames) {
            long from = bot[frameIndex] & 0xffffffffL;
            long to = frameIndex + 1 < frames ? bot[frameIndex + 1] & 0xffffffffL : Long.MAX_VALUE;
            List<int[]> out = new ArrayList<>();
            for (int[] it : items) {
                if (it[2] >= from && it[2] < to) {
                    out.add(it);
                }
            }
            if (!out.isEmpty()) {
                return out;
            }
        }
        // No usable offset table: a frame starts at each fragment that begins a codestream.
        List<List<int[]>> grouped = new ArrayList<>();
        for (int[] it : items) {
            boolean start = it[1] >= 2 && (b.get(it[0]) & 0xff) == 0xFF
                    && ((b.get(it[0] + 1) & 0xff) == 0xD8 || (b.get(it[0] + 1) & 0xff) == 0x4F);
            if (start || grouped.isEmpty()) {
                grouped.add(new ArrayList<>());
            }
            grouped.get(grouped.size() - 1).add(it);
        }
        if (frameIndex >= grouped.size()) {
            throw RayScribeException.forFile(h.file, "encapsulated pixel data holds " + grouped.size()
                    + " frame(s); frame " + frameIndex + " is missing");
        }
        return grouped.get(frameIndex);
    }
}
