package io.rayscribe.core;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Shared Gson instances: compact for machine output, pretty for files people read. */
public final class Json {
    public static final Gson COMPACT = new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues().create();
    public static final Gson PRETTY = new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues()
            .setPrettyPrinting().create();

    private Json() {
    }

    /**
     * Reads a UTF-8 JSON file that must hold one object; {@code what} names it in errors
     * ("cannot read config: …", "config is not a JSON object (…)").
     */
    public static JsonObject readObject(Path file, String what) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw RayScribeException.forFile(file, "cannot read " + what + ": " + e.getMessage(), e);
        }
        try {
            return JsonParser.parseString(text).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw RayScribeException.forFile(file, what + " is not a JSON object (" + e.getMessage() + ")");
        }
    }
}
