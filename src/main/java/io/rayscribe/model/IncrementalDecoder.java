package io.rayscribe.model;

import java.util.Arrays;

/**
 * Turns a stream of token ids into text pieces such that joining the pieces gives the decoded text
 * and no multi-byte character is ever split: while the newest tokens end in an incomplete UTF-8
 * sequence (the decoder yields U+FFFD) the piece is held back. Decodes a short window, not the whole
 * sequence, the way text-generation servers do, so the cost per token stays constant.
 */
public final class IncrementalDecoder {
    private final TextTokenizer tokenizer;
    private int[] ids = new int[64];
    private int size;
    private int prefixOffset;
    private int readOffset;

    IncrementalDecoder(TextTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Adds one token and returns the text it completes (possibly empty). */
    public String push(int tokenId) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = tokenId;
        String prefixText = tokenizer.decode(ids, prefixOffset, readOffset);
        String newText = tokenizer.decode(ids, prefixOffset, size);
        if (newText.length() > prefixText.length() && !newText.endsWith("\uFFFD")) {
            String piece = newText.startsWith(prefixText) ? newText.substring(prefixText.length())
                    : newText.substring(Math.min(prefixText.length(), newText.length()));
            prefixOffset = readOffset;
            readOffset = size;
            return piece;
        }
        return "";
    }

    /** Text still held back at the end (an incomplete character is emitted as decoded). */
    public String flush() {
        if (readOffset == size) {
            return "";
        }
        String prefixText = tokenizer.decode(ids, prefixOffset, readOffset);
        String newText = tokenizer.decode(ids, prefixOffset, size);
        prefixOffset = readOffset = size;
        return newText.length() > prefixText.length() ? newText.substring(prefixText.length()) : "";
    }
}
