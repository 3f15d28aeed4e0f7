package dev.tmem.protocol;

/** A payload that breaks a rule of the protocol; {@link #violation()} says which. */
public final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Violation violation;

    public ProtocolException(Violation violation) {
        super(violation.toString());
        this.violation = violation;
    }

    public ProtocolException(Rule rule, String detail) {
        this(new Violation(rule, detail));
    }

    public Violation violation() {
        return violation;
    }
}
