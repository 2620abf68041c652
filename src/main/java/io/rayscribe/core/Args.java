package io.rayscribe.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Minimal command-line parser: positional arguments, {@code --name value} options and
 * {@code --flag} switches. Switches must be declared so that "--json PATH" is not misread.
 */
public final class Args {
    private final List<String> positional = new ArrayList<>();
    private final Map<String, String> options = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    private Args() {
    }

    /** Parses {@code argv}; names in {@code switches} (without dashes) take no value. */
    public static Args parse(List<String> argv, Set<String> switches) {
        Args a = new Args();
        for (int i = 0; i < argv.size(); i++) {
            String s = argv.get(i);
            if (s.startsWith("--") && s.length() > 2) {
                String name = s.substring(2);
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    a.options.put(name.substring(0, eq), name.substring(eq + 1));
                } else if (switches.contains(name)) {
                    a.flags.add(name);
                } else {
                    if (i + 1 >= argv.size()) {
                        throw new RayScribeException("option --" + name + " needs a value");
                    }
                    a.options.put(name, argv.get(++i));
                }
            } else {
                a.positional.add(s);
            }
        }
        return a;
    }

    public List<String> positional() {
        return positional;
    }

    public boolean flag(String name) {
        return flags.contains(name);
    }

    public boolean has(String name) {
        return options.containsKey(name);
    }

    public String get(String name) {
        return options.get(name);
    }

    public String get(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    public String require(String name) {
        String v = options.get(name);
        if (v == null) {
            throw new RayScribeException("missing required option --" + name);
        }
        return v;
    }

    public int getInt(String name, int fallback) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new RayScribeException("option --" + name + " expects a whole number, got '" + v + "'");
        }
    }

    public double getDouble(String name, double fallback) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new RayScribeException("option --" + name + " expects a number, got '" + v + "'");
        }
    }

    /** Fails on options nobody asked for, so typos do not pass silently. */
    public void rejectUnknown(Set<String> knownOptions) {
        for (String k : options.keySet()) {
            if (!knownOptions.contains(k)) {
                throw new RayScribeException("unknown option --" + k);
            }
        }
    }
}
