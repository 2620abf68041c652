package io.rayscribe.core;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** Shared Gson instances: compact for machine output, pretty for files people read. */
public final class Json {
    public static final Gson COMPACT = new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues().create();
    public static final Gson PRETTY = new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues()
            .setPrettyPrinting().create();

    private Json() {
    }
}
