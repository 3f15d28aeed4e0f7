/**
 * {@code tmem demo}: cleancache and frontswap on real files, before, with and after a backend
 * loaded at run time, every step checked. See {@link dev.tmem.frontend.demo.Demo}.
 */
package dev.tmem.frontend.demo;
