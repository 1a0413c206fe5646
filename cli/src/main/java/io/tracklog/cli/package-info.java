/**
 * The {@code tracklog} command: {@link io.tracklog.cli.Main} and one small class per subcommand.
 * Output goes through picocli's writers so that tests can capture it.
 */
package io.tracklog.cli;
