package dev.tmem.frontend.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The parsed parameters of one backend: a typed value for every parameter the provider accepts,
 * given or default. Built by {@link #parse}, which rejects anything not accepted.
 */
public final class BackendParameters {

    private final String backend;
    private final Map<String, Object> values;
    private final List<String> given;

    private BackendParameters(String backend, Map<String, Object> values, List<String> given) {
        this.backend = backend;
        this.values = values;
        this.given = given;
    }

    /**
     * Parses {@code key=value} strings against {@code accepted}.
     *
     * @param backend the backend's name, for messages
     * @throws BackendConfigException if a string has no {@code =}, names a parameter not accepted,
     *     names one twice, or has a bad value; the message lists every accepted parameter
     */
    public static BackendParameters parse(String backend, List<BackendParameter> accepted, List<String> keyValues) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(accepted, "accepted");
        Objects.requireNonNull(keyValues, "keyValues");
        Map<String, BackendParameter> byName = new LinkedHashMap<>();
        for (BackendParameter p : accepted) {
            byName.put(p.name(), p);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        List<String> given = new ArrayList<>();
        for (String kv : keyValues) {
            if (kv == null) {
                throw new BackendConfigException("backend " + backend + ": a parameter is null" + listing(backend, accepted));
            }
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new BackendConfigException("backend " + backend + ": parameter '" + kv
                        + "' is not of the form key=value" + listing(backend, accepted));
            }
            String key = kv.substring(0, eq).strip();
            String text = kv.substring(eq + 1);
            BackendParameter p = byName.get(key);
            if (p == null) {
                throw new BackendConfigException("backend " + backend + ": unknown parameter '" + key + "'"
                        + listing(backend, accepted));
            }
            if (values.containsKey(key)) {
                throw new BackendConfigException("backend " + backend + ": parameter " + key + " given twice");
            }
            try {
                values.put(key, p.parse(text));
            } catch (BackendConfigException e) {
                throw new BackendConfigException("backend " + backend + ": " + e.getMessage()
                        + listing(backend, accepted), e);
            }
            given.add(key);
        }
        for (BackendParameter p : accepted) {
            values.computeIfAbsent(p.name(), k -> p.parse(p.defaultValue()));
        }
        return new BackendParameters(backend, Collections.unmodifiableMap(values), List.copyOf(given));
    }

    /** The listing appended to error messages: every accepted parameter on its own line. */
    public static String listing(String backend, List<BackendParameter> accepted) {
        if (accepted.isEmpty()) {
            return "; backend " + backend + " accepts no parameters";
        }
        StringBuilder sb = new StringBuilder("; backend ").append(backend).append(" accepts:");
        for (BackendParameter p : accepted) {
            sb.append("\n  ").append(p.describe());
        }
        return sb.toString();
    }

    public String backend() {
        return backend;
    }

    public boolean getBoolean(String name) {
        return (Boolean) value(name, Boolean.class);
    }

    public long getLong(String name) {
        return (Long) value(name, Long.class);
    }

    public String getString(String name) {
        return (String) value(name, String.class);
    }

    /** Whether {@code name} was given explicitly (rather than defaulted). */
    public boolean isGiven(String name) {
        return given.contains(name);
    }

    /** Every value, given or default, in the provider's order. */
    public Map<String, Object> asMap() {
        return values;
    }

    private Object value(String name, Class<?> type) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("backend " + backend + " has no parameter " + name);
        }
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("parameter " + name + " of backend " + backend + " is a "
                    + v.getClass().getSimpleName() + ", not a " + type.getSimpleName());
        }
        return v;
    }

    @Override
    public String toString() {
        return backend + values;
    }
}
