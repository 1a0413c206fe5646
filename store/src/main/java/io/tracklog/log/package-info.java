/**
 * Append-only event logs and the cross-process locks around them. The only package that imports
 * Chronicle Queue; everything above it sees {@link io.tracklog.log.EventLog} and encoded bytes.
 */
package io.tracklog.log;
