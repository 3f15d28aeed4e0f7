/**
 * The frontends: {@link dev.tmem.frontend.Cleancache} (clean file pages, ephemeral) and
 * {@link dev.tmem.frontend.Frontswap} (swap pages, persistent), with lazy initialization and
 * backends registered, replaced and unloaded at run time ({@link dev.tmem.frontend.Frontends},
 * {@link dev.tmem.frontend.BackendRegistry}). See {@code docs/FRONTENDS.md}.
 */
package dev.tmem.frontend;
