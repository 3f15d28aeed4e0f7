package dev.tmem.protocol;

import java.util.Objects;

/**
 * A rule a frame breaks, with the detail that shows how ({@code "flags 0x04 with op GET_PAGE"}).
 *
 * @param rule the rule broken
 * @param detail what was found, for logs and exception messages
 */
public record Violation(Rule rule, String detail) {

    public Violation {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(detail, "detail");
    }

    /** The status that answers this violation. */
    public Status status() {
        return rule.status();
    }

    @Override
    public String toString() {
        return rule + " (" + rule.description() + "): " + detail;
    }
}
