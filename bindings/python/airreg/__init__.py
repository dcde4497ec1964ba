# SPDX-License-Identifier: Apache-2.0
"""airreg: the stamp's activation as `key-import status --json` judges it, over libairreg.so.1.

ctypes only, so no compiler is needed: the module loads libairreg.so.1 through the dynamic
loader (the ld.so cache, or LD_LIBRARY_PATH), or the file named by $AIRREG_LIBRARY, once, at
import (ImportError if it cannot). The classes mirror airreg.h (docs/library.md):

    with airreg.Stamp() as stamp:            # airreg_open: None takes $AIRREG_STATE_DIR
        with stamp.check(warn_days=30) as st:  # airreg_check
            print(st.state_name, st.days_left)

A failed open or check raises airreg.Error, whose .code is the C error code (Code) and
.message the library's message. A getter whose C value means "none" (NULL, or -1) gives None.
A Stamp may be checked from any number of threads at once; a Status read from any number.
"""
import collections
import ctypes
import enum
import operator
import os
import threading

__all__ = ["Code", "State", "Hardware", "Error", "Stamp", "Status", "Tenant", "version",
           "LIBRARY_ENV", "SONAME"]

SONAME = "libairreg.so.1"
LIBRARY_ENV = "AIRREG_LIBRARY"


class Code(enum.IntEnum):
    """enum airreg_code: what a call returns (key-import's exit statuses)"""
    OK = 0
    EINTERNAL = 1
    EUSAGE = 2
    EENV = 5


class State(enum.IntEnum):
    """enum airreg_state"""
    NOT_REGISTERED = 0
    REGISTERED = 1
    EXPIRING = 2
    EXPIRED = 3
    REVOKED = 4
    UNTRUSTED = 5


class Hardware(enum.IntEnum):
    """enum airreg_hardware: the last hardware check (key-import check)"""
    NOT_CHECKED = 0
    COMPLIANT = 1
    NOT_COMPLIANT = 2


Tenant = collections.namedtuple("Tenant", "subscription tenant")


class Error(Exception):
    """A failed airreg_open or airreg_check: .code (Code), .message (the library's words)."""

    def __init__(self, code, message):
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self):
        return self.message


# Every function of airreg.h: (restype, argtypes). Handles are c_void_p, never an int that
# could be truncated; a c_char_p result is copied into bytes at once (the handle owns it).
_H, _TEXT, _LL, _INT = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_longlong, ctypes.c_int
_OUT = ctypes.POINTER(ctypes.c_void_p)
PROTOTYPES = {
    "airreg_version": (_TEXT, []),
    "airreg_open": (_INT, [_TEXT, _OUT]),
    "airreg_close": (None, [_H]),
    "airreg_stamp_errcode": (_INT, [_H]),
    "airreg_stamp_errmsg": (_TEXT, [_H]),
    "airreg_stamp_dir": (_TEXT, [_H]),
    "airreg_check": (_INT, [_H, _INT, _OUT]),
    "airreg_status_free": (None, [_H]),
    "airreg_status_errcode": (_INT, [_H]),
    "airreg_status_errmsg": (_TEXT, [_H]),
    "airreg_state": (_INT, [_H]),
    "airreg_state_name": (_TEXT, [_H]),
    "airreg_reason": (_TEXT, [_H]),
    "airreg_judged_at": (_LL, [_H]),
    "airreg_clock_behind": (_LL, [_H]),
    "airreg_revocation_list_version": (_LL, [_H]),
    "airreg_registration": (_TEXT, [_H]),
    "airreg_cloud_id": (_TEXT, [_H]),
    "airreg_billing_model": (_TEXT, [_H]),
    "airreg_issuer_kid": (_TEXT, [_H]),
    "airreg_serial": (_LL, [_H]),
    "airreg_expires_at": (_LL, [_H]),
    "airreg_days_left": (_LL, [_H]),
    "airreg_licensed_hosts": (_LL, [_H]),
    "airreg_licensed_cores": (_LL, [_H]),
    "airreg_tenant_count": (_LL, [_H]),
    "airreg_tenant_subscription": (_TEXT, [_H, _LL]),
    "airreg_tenant_id": (_TEXT, [_H, _LL]),
    "airreg_hardware": (_INT, [_H]),
    "airreg_hardware_current": (_INT, [_H]),
    "airreg_hardware_checked_at": (_TEXT, [_H]),
    "airreg_hardware_reason": (_TEXT, [_H]),
}


def _load():
    path = os.environ.get(LIBRARY_ENV) or SONAME
    try:
        lib = ctypes.CDLL(path)
        for name, (restype, argtypes) in PROTOTYPES.items():
            f = getattr(lib, name)
            f.restype, f.argtypes = restype, argtypes
    except (OSError, AttributeError) as e:
        raise ImportError(f"airreg: cannot use {path} (${LIBRARY_ENV} names another file): "
                          f"{e}") from e
    return lib


_lib = _load()
_INT_MAX = 2 ** (8 * ctypes.sizeof(ctypes.c_int) - 1) - 1


def _text(b):
    return None if b is None else b.decode("utf-8", "replace")


def _none(v, none=-1):
    return None if v == none else v


def version():
    """airreg_version: the loaded library's version, "1.0.0"."""
    return _text(_lib.airreg_version())


class _Handle:
    """A C handle, freed once and never while a call on it runs (a thread's close() waits for
    the others' calls), so that no misuse from Python reaches freed memory."""

    def __init__(self, ptr, free, what):
        self._ptr, self._free, self._what = ptr, free, what
        self._users = 0
        self._idle = threading.Condition(threading.Lock())

    def __enter__(self):
        with self._idle:
            if not self._ptr:
                raise ValueError(f"the {self._what} is closed")
            self._users += 1
            return self._ptr

    def __exit__(self, *exc):
        with self._idle:
            self._users -= 1
            if not self._users:
                self._idle.notify_all()

    def close(self):
        with self._idle:
            ptr, self._ptr = self._ptr, None
            while self._users:
                self._idle.wait()
        if ptr:
            self._free(ptr)

    @property
    def closed(self):
        return not self._ptr


class Stamp:
    """airreg_open: a state directory (None: $AIRREG_STATE_DIR, else /var/lib/airreg/stamp).
    Raises Error when it does not open. close(), or use it as a context manager."""

    def __init__(self, state_dir=None):
        self._h = None
        arg = None
        if state_dir is not None:
            # ctypes would cut the text at a NUL: hand the library a control character it
            # refuses in the same words
            arg = os.fsencode(state_dir).replace(b"\0", b"\1")
        ptr = ctypes.c_void_p()
        code = _lib.airreg_open(arg, ctypes.byref(ptr))
        if not ptr.value:
            raise Error(Code.EINTERNAL, "out of memory")
        h = _Handle(ptr.value, _lib.airreg_close, "Stamp")
        if code != Code.OK:
            message = _text(_lib.airreg_stamp_errmsg(ptr.value))
            h.close()
            raise Error(_code(code), message)
        self._h = h

    def check(self, warn_days=0):
        """airreg_check: the activation read and verified now; warn_days 0, or 1 to 3650
        (within that many days of expiry: State.EXPIRING). Returns a Status; raises Error."""
        days = operator.index(warn_days)
        if not -_INT_MAX - 1 <= days <= _INT_MAX:
            raise Error(Code.EUSAGE, f"warn_days takes whole days (0: none), not {days}")
        ptr = ctypes.c_void_p()
        with self._handle() as stamp:
            code = _lib.airreg_check(stamp, days, ctypes.byref(ptr))
        if not ptr.value:
            raise Error(Code.EINTERNAL, "out of memory")
        status = Status(ptr.value)
        if code != Code.OK:
            message = status.errmsg
            status.close()
            raise Error(_code(code), message)
        return status

    @property
    def dir(self):
        """airreg_stamp_dir: the state directory opened"""
        with self._handle() as stamp:
            return os.fsdecode(_lib.airreg_stamp_dir(stamp))

    @property
    def errcode(self):
        """airreg_stamp_errcode: Code.OK (a Stamp that did not open raised Error)"""
        with self._handle() as stamp:
            return _code(_lib.airreg_stamp_errcode(stamp))

    @property
    def errmsg(self):
        with self._handle() as stamp:
            return _text(_lib.airreg_stamp_errmsg(stamp))

    def _handle(self):
        if self._h is None:
            raise ValueError("the Stamp is closed")
        return self._h

    def close(self):
        """airreg_close; closing twice is harmless"""
        if self._h is not None:
            self._h.close()

    @property
    def closed(self):
        return self._h is None or self._h.closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()


def _code(v):
    try:
        return Code(v)
    except ValueError:
        return v


def _getter(name, convert=lambda v: v, doc=None):
    f = getattr(_lib, name)

    def get(self):
        with self._h as status:
            return convert(f(status))
    return property(get, doc=doc or name)


class Status:
    """What airreg_check answered, read through the getters below (each the C function of the
    same name after "airreg_"). Made only by Stamp.check; close(), or a context manager."""

    def __init__(self, ptr):
        self._h = _Handle(ptr, _lib.airreg_status_free, "Status")

    errcode = _getter("airreg_status_errcode", _code)
    errmsg = _getter("airreg_status_errmsg", _text)
    state = _getter("airreg_state", lambda v: None if v < 0 else State(v))
    state_name = _getter("airreg_state_name", _text,
                         "key-import status's words: an expiring activation is \"Registered\"")
    reason = _getter("airreg_reason", _text, "why it is Untrusted or Revoked, else None")
    judged_at = _getter("airreg_judged_at", _none, "the time judged at (Unix seconds)")
    clock_behind = _getter("airreg_clock_behind", _none,
                           "seconds the clock is behind the latest time trusted (0: not)")
    revocation_list_version = _getter("airreg_revocation_list_version", _none,
                                      "the revocation list's version held (0: none)")
    registration = _getter("airreg_registration", _text)
    cloud_id = _getter("airreg_cloud_id", _text)
    billing_model = _getter("airreg_billing_model", _text)
    issuer_kid = _getter("airreg_issuer_kid", _text)
    serial = _getter("airreg_serial", _none)
    expires_at = _getter("airreg_expires_at", _none, "Unix seconds")
    licensed_hosts = _getter("airreg_licensed_hosts", _none)
    licensed_cores = _getter("airreg_licensed_cores", _none, "None: no cores licensed")
    hardware = _getter("airreg_hardware", lambda v: None if v < 0 else Hardware(v))
    hardware_current = _getter("airreg_hardware_current", lambda v: None if v < 0 else bool(v),
                               "whether the last check judged this activation (None: none ran)")

    def _checked(name, doc):
        f = getattr(_lib, name)

        def get(self):
            # None when no check ran: the C getters answer "-" then (issue 21's report)
            with self._h as status:
                if _lib.airreg_hardware(status) <= Hardware.NOT_CHECKED:
                    return None
                return _text(f(status))
        return property(get, doc=doc)
    hardware_checked_at = _checked("airreg_hardware_checked_at",
                                   "when the last check ran (\"2026-12-02T12:00:00Z\"), or None")
    hardware_reason = _checked("airreg_hardware_reason", "what the last check found, or None")
    del _checked

    @property
    def days_left(self):
        """days to expiry, negative once expired; None without an activation (the C getter
        answers 0 then, so the serial tells)"""
        with self._h as status:
            if _lib.airreg_serial(status) < 0:
                return None
            return _lib.airreg_days_left(status)

    @property
    def tenants(self):
        """[Tenant(subscription, tenant)], None without an activation"""
        with self._h as status:
            n = _lib.airreg_tenant_count(status)
            if n < 0:
                return None
            return [Tenant(_text(_lib.airreg_tenant_subscription(status, i)),
                           _text(_lib.airreg_tenant_id(status, i))) for i in range(n)]

    def close(self):
        """airreg_status_free; closing twice is harmless"""
        self._h.close()

    @property
    def closed(self):
        return self._h.closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        h = getattr(self, "_h", None)
        if h is not None:
            h.close()

    def __repr__(self):
        if self.closed:
            return "<airreg.Status closed>"
        return f"<airreg.Status {self.state_name!r} {self.registration!r} serial {self.serial}>"
