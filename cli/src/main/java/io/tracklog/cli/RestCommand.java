package io.tracklog.cli;

import io.tracklog.server.MlflowJson;
import io.tracklog.error.ErrorCode;
import io.tracklog.error.HasErrorCode;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.reader.ViewType;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The base of the commands that answer one of MLflow's REST calls ({@code search},
 * {@code experiments}, {@code history}, {@code models ...}): the {@code --format} option, request values parsed the way
 * the REST layer would, and failures reported as MLflow's error body.
 *
 * <p>On failure stdout stays empty and stderr holds one line, MLflow's
 * {@code {"error_code": "...", "message": "..."}}; the exit code is 2 for
 * {@code INVALID_PARAMETER_VALUE} and 1 for everything else ({@code RESOURCE_DOES_NOT_EXIST}, and
 * {@code INTERNAL_ERROR} for failures that carry no MLflow code). Usage errors picocli catches
 * (an unknown option, a missing {@code --experiment-ids}, no store at {@code --root}) keep the
 * plain {@code error: ...} form and exit 2.
 */
abstract class RestCommand extends StoreCommand {
  /** How a command prints its answer. */
  enum Format {
    table,
    json,
    csv
  }

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "table (default), json (MLflow's REST response) or csv.")
  Format format = Format.table;

  @Override
  int failed(Exception e) {
    ErrorCode code = e instanceof HasErrorCode h ? h.errorCode() : ErrorCode.INTERNAL_ERROR;
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    err().println(MlflowJson.error(code, message));
    err().flush();
    return exitCode(e);
  }

  /** Prints {@code json.dumps(response, indent=2)} and a newline. */
  void printJson(Object response) {
    out().println(MlflowJson.dumps(response));
    out().flush();
  }

  /**
   * A {@code max_results} value: null when absent, else an integer (range checks are the
   * search's own, so its messages are MLflow's).
   *
   * @throws InvalidParameterException if the text is not an integer
   */
  static Integer maxResults(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Integer.valueOf(text.strip());
    } catch (NumberFormatException e) {
      throw new InvalidParameterException(
          "Invalid value '" + text + "' for parameter 'max_results' supplied: it must be an integer");
    }
  }

  /**
   * A view type by its MLflow name, in any case; the default ACTIVE_ONLY when absent.
   *
   * @throws InvalidParameterException if it names no view type
   */
  static ViewType viewType(String text, String parameter) {
    if (text == null) {
      return ViewType.ACTIVE_ONLY;
    }
    try {
      return ViewType.valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidParameterException(
          "Invalid value '" + text + "' for parameter '" + parameter
              + "' supplied: it must be one of ACTIVE_ONLY, DELETED_ONLY, ALL");
    }
  }

  /** A cell for a double in a table or CSV: Python's repr, or NaN / Infinity / -Infinity. */
  static String number(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? MlflowJson.nonFinite(v) : MlflowJson.pythonRepr(v);
  }
}
