package dev.tmem.frontend.spi;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One named parameter a backend accepts: its type, its default, its allowed values and what it does.
 * Create with the {@code of*} factories.
 *
 * @param name lower case letters, digits and {@code _}
 * @param type how the value is written
 * @param defaultValue the value used when the parameter is not given (valid for the type)
 * @param min smallest value of a {@link Type#LONG LONG} (ignored for other types)
 * @param max largest value of a {@link Type#LONG LONG} (ignored for other types)
 * @param choices the accepted values of a {@link Type#CHOICE CHOICE} (empty for other types)
 * @param description one line for listings and error messages
 */
public record BackendParameter(
        String name, Type type, String defaultValue, long min, long max, List<String> choices, String description) {

    /** How a value is written. */
    public enum Type {
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** A decimal integer within [min, max]. */
        LONG,
        /** Any text. */
        STRING,
        /** One of {@code choices}. */
        CHOICE
    }

    public BackendParameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(description, "description");
        choices = List.copyOf(choices);
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("parameter name must be lower case letters, digits and _, was '" + name + "'");
        }
        if (min > max) {
            throw new IllegalArgumentException("min " + min + " > max " + max + " for parameter " + name);
        }
        if (type == Type.CHOICE && choices.isEmpty()) {
            throw new IllegalArgumentException("choice parameter " + name + " needs at least one choice");
        }
        parse(name, type, min, max, choices, defaultValue); // the default must be valid
    }

    public static BackendParameter ofBoolean(String name, boolean defaultValue, String description) {
        return new BackendParameter(name, Type.BOOLEAN, Boolean.toString(defaultValue), 0, 0, List.of(), description);
    }

    public static BackendParameter ofLong(String name, long defaultValue, long min, long max, String description) {
        return new BackendParameter(name, Type.LONG, Long.toString(defaultValue), min, max, List.of(), description);
    }

    public static BackendParameter ofString(String name, String defaultValue, String description) {
        return new BackendParameter(name, Type.STRING, defaultValue, 0, 0, List.of(), description);
    }

    public static BackendParameter ofChoice(String name, String defaultValue, List<String> choices, String description) {
        return new BackendParameter(name, Type.CHOICE, defaultValue, 0, 0, choices, description);
    }

    /**
     * Parses {@code text} as a value of this parameter: a {@link Boolean}, {@link Long} or
     * {@link String}.
     *
     * @throws BackendConfigException naming this parameter, the bad value and what is accepted
     */
    public Object parse(String text) {
        return parse(name, type, min, max, choices, text);
    }

    private static Object parse(String name, Type type, long min, long max, List<String> choices, String text) {
        Objects.requireNonNull(text, "text");
        return switch (type) {
            case BOOLEAN -> switch (text.toLowerCase(Locale.ROOT)) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> throw bad(name, type, min, max, choices, text);
            };
            case LONG -> {
                long v;
                try {
                    v = Long.parseLong(text.strip());
                } catch (NumberFormatException e) {
                    throw bad(name, type, min, max, choices, text);
                }
                if (v < min || v > max) {
                    throw bad(name, type, min, max, choices, text);
                }
                yield v;
            }
            case STRING -> text;
            case CHOICE -> {
                if (!choices.contains(text)) {
                    throw bad(name, type, min, max, choices, text);
                }
                yield text;
            }
        };
    }

    /** How the accepted values read in a listing: {@code true|false}, {@code integer 1..1048576}, {@code raw|zcache}. */
    public String accepted() {
        return accepted(type, min, max, choices);
    }

    private static String accepted(Type type, long min, long max, List<String> choices) {
        return switch (type) {
            case BOOLEAN -> "true|false";
            case LONG -> "integer " + min + ".." + max;
            case STRING -> "text";
            case CHOICE -> String.join("|", choices);
        };
    }

    /** One line for listings: {@code budget_mb=<integer 1..1048576> (default 256): memory budget}. */
    public String describe() {
        return name + "=<" + accepted() + "> (" + (defaultValue.isEmpty() ? "optional" : "default " + defaultValue)
                + "): " + description;
    }

    private static BackendConfigException bad(
            String name, Type type, long min, long max, List<String> choices, String text) {
        return new BackendConfigException("parameter " + name + ": bad value '" + text + "', expected "
                + accepted(type, min, max, choices));
    }
}
