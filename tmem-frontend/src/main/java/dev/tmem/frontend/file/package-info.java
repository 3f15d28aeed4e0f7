/**
 * Adapters over real files: {@link dev.tmem.frontend.file.SwapFile}, a swap area of page slots
 * with frontswap in front of it.
 */
package dev.tmem.frontend.file;
