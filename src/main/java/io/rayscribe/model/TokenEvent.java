package io.rayscribe.model;

/**
 * One decoded token as it leaves the decode loop. {@code textPiece} is the text this token adds
 * (decoded incrementally: may be empty while a multi-byte character is incomplete).
 * {@code attention} is null when capture is off or the prompt has no visual prompts.
 */
public record TokenEvent(int index, int tokenId, String textPiece, TokenAttention attention) {
}
