/**
 * Append-only event logs and the cross-process locks around them: {@link
 * io.tracklog.log.ChronicleEventLog} for the catalog and the writer lanes, {@link
 * io.tracklog.log.FileEventLog} for the model registry's few events. The only package that imports
 * Chronicle Queue; everything above it sees {@link io.tracklog.log.EventLog} and encoded bytes.
 */
package io.tracklog.log;
