"""Nexomatic task bootstrap for Python Action modules (Sink Type LOCAL:BASE).

Reads ONE JSON document from stdin: {"task_id", "attempt", "module", "payload", "params"}.
Imports the Action module from NEXOMATIC_MODULES_PATH and calls run(payload, params) (or the
function named after ':'). The outcome goes to the file named by NEXOMATIC_RESULT_FILE, never to
stdout, so nothing the module prints can corrupt it:
  {"state": "SUCCESS"|"WARNING"|"ERROR", "result_code": n, "messages": [...], "data": {...}|null}
The process exits with the result code. stdout and stderr are the task log.
"""

import importlib
import json
import os
import re
import sys
import traceback
import warnings

MODULE_RE = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*(:[A-Za-z_]\w*)?$")


def write_result(state, code, messages, data=None):
    path = os.environ["NEXOMATIC_RESULT_FILE"]
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(
            {"state": state, "result_code": code, "messages": messages, "data": data},
            f,
            ensure_ascii=False,
        )
    # Atomic: the sink never sees a half-written result.
    os.replace(tmp, path)


def flush_streams():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # a module may have closed or replaced them
            pass


def finish(state, code, messages, data=None):
    flush_streams()
    write_result(state, code, messages, data)
    # The exit status is limited to 0-255; the result file carries the real code.
    sys.exit(code & 0xFF if code else 0)


def warning_texts(caught):
    return [str(w.message) for w in caught]


def exit_code(exc):
    """Maps SystemExit's code like the interpreter does: None -> 0, int -> itself, else 1."""
    if exc.code is None:
        return 0, None
    if isinstance(exc.code, bool):
        return int(exc.code), None
    if isinstance(exc.code, int):
        return exc.code, None
    return 1, str(exc.code)


def shape_return(value):
    """Returns (messages, data) from a module's return value, or raises TypeError."""
    if value is None:
        return [], None
    if isinstance(value, str):
        return [value], None
    if isinstance(value, (list, tuple)):
        if not all(isinstance(m, str) for m in value):
            raise TypeError("a returned list must contain only strings")
        return list(value), None
    if isinstance(value, dict):
        unknown = set(value) - {"messages", "data"}
        if unknown:
            raise TypeError(
                "a returned dict may only have the keys 'messages' and 'data', not "
                + ", ".join(sorted(map(str, unknown)))
            )
        messages = value.get("messages") or []
        if isinstance(messages, str):
            messages = [messages]
        if not isinstance(messages, (list, tuple)) or not all(isinstance(m, str) for m in messages):
            raise TypeError("'messages' must be a list of strings")
        data = value.get("data")
        if data is not None and not isinstance(data, dict):
            raise TypeError("'data' must be a dict (it replaces the event data)")
        return list(messages), data
    raise TypeError(
        "unsupported return type %s: return None, a str, a list of str or a dict with"
        " 'messages' and 'data'" % type(value).__name__
    )


def main():
    try:
        request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    except Exception as e:  # the sink always sends valid JSON; anything else is a sink bug
        finish("ERROR", 1, ["bootstrap could not read its input: %s" % e])
    # The module gets no stdin: input() ends at once instead of waiting forever.
    try:
        devnull = open(os.devnull, "r")
        os.dup2(devnull.fileno(), 0)
        sys.stdin = devnull
    except OSError:
        pass

    spec = request.get("module", "")
    payload = request.get("payload") or {}
    params = request.get("params") or {}
    if not isinstance(spec, str) or not MODULE_RE.match(spec):
        finish(
            "ERROR",
            1,
            ["invalid module %r: expected an import path like 'pkg.mod' or 'pkg.mod:function'" % (spec,)],
        )
    module_name, _, function_name = spec.partition(":")
    function_name = function_name or "run"

    # The bootstrap's own directory must not shadow module names.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    modules_path = os.environ.get("NEXOMATIC_MODULES_PATH")
    if modules_path:
        sys.path.insert(0, modules_path)

    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        # Only a missing Action module (or one of its packages) is "not found"; a missing import
        # inside the module is the module's own error.
        if e.name and (module_name == e.name or module_name.startswith(e.name + ".")):
            finish("ERROR", 1, ["module not found: %s" % module_name])
        traceback.print_exc()
        finish("ERROR", 1, ["%s: %s" % (type(e).__name__, e)])
    except SyntaxError as e:
        traceback.print_exc()
        finish("ERROR", 1, ["syntax error in %s line %s: %s" % (e.filename, e.lineno, e.msg)])
    except SystemExit as e:
        code, text = exit_code(e)
        if code == 0:
            finish("ERROR", 1, ["module %s exited while being imported" % module_name])
        finish("ERROR", code, [text] if text else ["exited with code %d" % code])
    except BaseException as e:
        traceback.print_exc()
        finish("ERROR", 1, ["%s: %s" % (type(e).__name__, e)])

    function = getattr(module, function_name, None)
    if not callable(function):
        finish("ERROR", 1, ["module %s has no function %s" % (module_name, function_name)])

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = function(payload, params)
            error = None
        except SystemExit as e:
            value, error = None, e
        except BaseException as e:
            value, error = None, e
    texts = warning_texts(caught)
    for t in texts:
        print("WARNING: %s" % t, file=sys.stderr)

    if isinstance(error, SystemExit):
        code, text = exit_code(error)
        if code == 0:
            finish("WARNING" if texts else "SUCCESS", 0, texts)
        finish("ERROR", code, texts + ([text] if text else ["exited with code %d" % code]))
    if error is not None:
        traceback.print_exception(type(error), error, error.__traceback__)
        finish("ERROR", 1, texts + ["%s: %s" % (type(error).__name__, error)])

    try:
        messages, data = shape_return(value)
    except TypeError as e:
        finish("ERROR", 1, texts + ["invalid return value: %s" % e])
    try:
        json.dumps(data)
    except (TypeError, ValueError) as e:
        finish("ERROR", 1, texts + ["return value is not JSON-serializable: %s" % e])
    finish("WARNING" if texts else "SUCCESS", 0, texts + messages, data)


if __name__ == "__main__":
    main()
