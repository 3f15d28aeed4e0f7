package dev.tmem.core;

/** The kinds of pool the spec distinguishes, for running a rule across all of them. */
enum Kind {
    PRIVATE_EPHEMERAL,
    SHARED_EPHEMERAL,
    PERSISTENT;

    /** A hit removes the page (rule 5: private ephemeral gets are exclusive). */
    boolean hitRemoves() {
        return this == PRIVATE_EPHEMERAL;
    }

    boolean ephemeral() {
        return this != PERSISTENT;
    }
}
