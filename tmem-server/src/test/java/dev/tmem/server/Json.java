package dev.tmem.server;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads numbers out of a STATS answer: the top-level keys, and those of the {@code client} object. */
record Json(String text) {

    private static final Pattern NUMBER_OR_NULL = Pattern.compile("-?\\d+|null");

    /** A top-level number. */
    long get(String key) {
        return number(top(), key);
    }

    /** A number of the {@code client} object, or {@code null} for a JSON null. */
    Long client(String key) {
        String v = raw(clientObject(), key);
        return v.equals("null") ? null : Long.parseLong(v);
    }

    String top() {
        int i = text.indexOf("\"client\":{");
        return i < 0 ? text : text.substring(0, i);
    }

    String clientObject() {
        int i = text.indexOf("\"client\":{");
        if (i < 0) {
            throw new AssertionError("no client object in " + text);
        }
        return text.substring(i + "\"client\":".length());
    }

    private static long number(String scope, String key) {
        String v = raw(scope, key);
        if (v.equals("null")) {
            throw new AssertionError(key + " is null");
        }
        return Long.parseLong(v);
    }

    private static String raw(String scope, String key) {
        String k = "\"" + key + "\":";
        int i = scope.indexOf(k);
        if (i < 0) {
            throw new AssertionError("no key " + key + " in " + scope);
        }
        Matcher m = NUMBER_OR_NULL.matcher(scope).region(i + k.length(), scope.length());
        if (!m.lookingAt()) {
            throw new AssertionError("key " + key + " is not a number in " + scope);
        }
        return m.group();
    }
}
