/**
 * The backend SPI: {@link dev.tmem.frontend.spi.TmemBackend} (the tmem operations every backend
 * implements) and {@link dev.tmem.frontend.spi.BackendProvider} (a backend "module" found by name,
 * with typed named parameters). The local backend's page store is chosen by name among the
 * {@link dev.tmem.core.spi.PageStoreFactory}s found.
 */
package dev.tmem.frontend.spi;
