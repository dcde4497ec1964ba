#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The airreg module's own behaviour (issue 21) over the stamps of states.sh: STATES=DIR
python3 test_airreg.py. Each class reads one case (CASE) at that case's frozen clock: the
script runs itself once per clock under faketime (AIRREG_TEST_CLOCK set), so the library and
the expectations judge at the same second. Ends with `test_airreg: N passed, M failed`.
airreg comes from PYTHONPATH, the library from the dynamic loader, as a product has them."""
import calendar
import ctypes
import json
import os
import re
import subprocess
import sys
import threading
import time
import unittest

import airreg

STATES = os.environ["STATES"]
HEADER = os.environ.get("AIRREG_HEADER") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "../../libairreg/airreg.h")
NOW_CASE = "registered"  # the clock of the classes that read no stamp


def stamp_dir(case):
    return f"{STATES}/{case}/stamp"


def expect(case, name="expect.json"):
    with open(f"{STATES}/{case}/{name}") as f:
        return json.load(f)


def clock_of(case):
    with open(f"{STATES}/{case}/clock") as f:
        return f.read().strip()


class Header(unittest.TestCase):
    """Every function and constant of airreg.h, declared with its C types."""
    CASE = NOW_CASE
    C_TYPES = {"int": ctypes.c_int, "long long": ctypes.c_longlong,
               "const char *": ctypes.c_char_p, "void": None,
               "airreg_stamp **": ctypes.POINTER(ctypes.c_void_p),
               "airreg_status **": ctypes.POINTER(ctypes.c_void_p),
               "const airreg_stamp *": ctypes.c_void_p, "const airreg_status *": ctypes.c_void_p,
               "airreg_stamp *": ctypes.c_void_p, "airreg_status *": ctypes.c_void_p}

    @classmethod
    def setUpClass(cls):
        with open(HEADER) as f:
            cls.text = f.read()

    def test_functions(self):
        decls = re.findall(r"^([a-z][\w ]*?\s*\**)(airreg_\w+)\((.*?)\);", self.text, re.M | re.S)
        self.assertGreater(len(decls), 30)
        self.assertEqual(sorted(n for _, n, _ in decls), sorted(airreg.PROTOTYPES))
        for ret, fn, args in decls:
            params = [] if args == "void" else [
                re.sub(r"\s*\b\w+$", "", a.strip()).replace("* ", "*") for a in args.split(",")]
            want = (self.C_TYPES[ret.strip()], [self.C_TYPES[p] for p in params])
            f = getattr(airreg._lib, fn)
            with self.subTest(fn):
                self.assertEqual((f.restype, f.argtypes), want)

    def test_constants(self):
        consts = {n: int(v) for n, v in re.findall(r"^\s*(AIRREG_\w+) = (\d+)", self.text, re.M)}
        self.assertEqual(len(consts), 4 + 6 + 3)
        ours = {**{f"AIRREG_{c.name}": c for c in airreg.Code},
                **{f"AIRREG_{c.name}": c for c in airreg.State},
                **{f"AIRREG_HW_{c.name}": c for c in airreg.Hardware}}
        self.assertEqual({n: int(c) for n, c in ours.items()}, consts)

    def test_version(self):
        v = re.findall(r"AIRREG_VERSION_(?:MAJOR|MINOR|PATCH) (\d+)", self.text)
        self.assertEqual(airreg.version(), ".".join(v))


class Errors(unittest.TestCase):
    """airreg.Error: the code and the exact words of key-import status at that stamp"""
    CASE = "missing"

    def assert_error(self, case, where):
        want = expect(case)
        self.assertEqual(clock_of(case), clock_of(self.CASE))
        with self.assertRaises(airreg.Error) as cm:
            stamp = airreg.Stamp(stamp_dir(case))
            self.assertEqual(where, "check", f"{case}: opened")
            stamp.check()
        e = cm.exception
        self.assertIsInstance(e, Exception)
        self.assertEqual((e.code, [e.message]), (want["exit"], want["stderr"]))
        self.assertEqual((e.code, e.args, str(e)), (5, (5, e.message), e.message))
        self.assertIs(e.code, airreg.Code.EENV)

    def test_missing(self):
        self.assert_error("missing", "open")

    def test_no_identity(self):
        self.assert_error("no-identity", "open")

    def test_not_a_dir(self):
        self.assert_error("not-a-dir", "open")

    def test_tampered(self):
        self.assert_error("tampered", "check")

    def usage(self, fn, message):
        with self.assertRaises(airreg.Error) as cm:
            fn()
        self.assertEqual((cm.exception.code, cm.exception.message), (2, message))

    def test_state_dir(self):
        self.usage(lambda: airreg.Stamp(""), "the state directory is empty (NULL takes "
                   "$AIRREG_STATE_DIR, else /var/lib/airreg/stamp)")
        # ctypes would cut at the NUL and open the registered stamp
        for d in (stamp_dir(NOW_CASE) + "\0x", os.fsencode(stamp_dir(NOW_CASE)) + b"\0"):
            self.usage(lambda: airreg.Stamp(d), "the state directory holds a control character")
        self.usage(lambda: airreg.Stamp(b"/tmp/\xff"), "the state directory is not valid UTF-8")
        with self.assertRaises(TypeError):
            airreg.Stamp(42)

    def test_environment(self):
        old = os.environ.get("AIRREG_STATE_DIR")
        os.environ["AIRREG_STATE_DIR"] = stamp_dir(NOW_CASE)
        try:
            with airreg.Stamp() as s:
                self.assertEqual(s.dir, stamp_dir(NOW_CASE))
        finally:
            os.environ.pop("AIRREG_STATE_DIR")
            if old is not None:
                os.environ["AIRREG_STATE_DIR"] = old

    def test_warn_days(self):
        with airreg.Stamp(stamp_dir(NOW_CASE)) as s:
            for days in (-1, 3651, 2 ** 31 - 1, -2 ** 31):
                self.usage(lambda: s.check(days),
                           f"warn_days takes whole days, 1 to 3650 (0: none): {days}")
            # wider than a C int: ctypes would pass 2**32 + 30 as 30
            for days in (2 ** 32 + 30, 2 ** 31, -2 ** 31 - 1):
                self.usage(lambda: s.check(days), f"warn_days takes whole days (0: none), "
                           f"not {days}")
            for days in ("30", 30.0, None):
                self.assertRaises(TypeError, s.check, days)
            for days, state in ((1, airreg.State.REGISTERED), (3650, airreg.State.EXPIRING)):
                with s.check(days) as st:
                    self.assertIs(st.state, state)


class Capacity(unittest.TestCase):
    """A Capacity key with a tenant, hosts and cores, at its clock"""
    CASE = "capacity"

    def test_fields(self):
        want = expect(self.CASE)["status"]
        with open(f"{stamp_dir(self.CASE)}/activation.json") as f:
            cores = json.load(f)["licensed"]["cpuCores"]
        with airreg.Stamp(stamp_dir(self.CASE)) as s, s.check() as st:
            self.assertEqual(st.tenants, [airreg.Tenant(t["subscriptionId"], t["tenantId"])
                                          for t in want["tenants"]])
            self.assertEqual(len(st.tenants), 1)
            self.assertEqual(st.tenants[0].subscription, "11111111-2222-3333-4444-555555555555")
            got = (st.registration, st.cloud_id, st.billing_model, st.serial, st.issuer_kid,
                   st.expires_at, st.days_left, st.licensed_hosts)
            self.assertEqual(got, tuple(want[k] for k in (
                "registration", "cloudId", "billingModel", "serial", "issuerKid", "expiresAt",
                "daysLeft", "licensedHosts")))
            self.assertEqual((st.licensed_cores, cores > 0), (cores, True))
            self.assertEqual((st.state, st.state_name, st.reason), (1, "Registered", None))
            self.assertEqual((st.judged_at, st.clock_behind, st.revocation_list_version),
                             (int(time.time()), 0, 0))
            self.assertEqual((st.hardware, st.hardware_current, st.hardware_checked_at,
                              st.hardware_reason), (airreg.Hardware.NOT_CHECKED, None, None, None))
            self.assertEqual((st.errcode, st.errmsg, s.errcode, s.errmsg), (0, None, 0, None))

    def test_none(self):
        """no activation: None, never -1 or the C getter's 0 days"""
        with airreg.Stamp(stamp_dir("not-registered")) as s, s.check() as st:
            self.assertEqual((st.state, st.state_name), (airreg.State.NOT_REGISTERED,
                                                         "Not registered"))
            self.assertEqual([st.registration, st.cloud_id, st.serial, st.expires_at,
                              st.days_left, st.licensed_hosts, st.licensed_cores, st.tenants],
                             [None] * 8)
        with airreg.Stamp(stamp_dir("registered")) as s, s.check() as st:
            self.assertEqual((st.licensed_cores, st.tenants, st.billing_model),
                             (None, [], "Development"))

    def test_hardware(self):
        """the last hardware check, as status --json's lastCheck"""
        for case, hw in (("checked", airreg.Hardware.COMPLIANT),
                         ("earlier-check", airreg.Hardware.COMPLIANT),
                         ("not-compliant", airreg.Hardware.NOT_COMPLIANT)):
            self.assertEqual(clock_of(case), clock_of(self.CASE))
            lc = expect(case)["status"]["lastCheck"]
            with airreg.Stamp(stamp_dir(case)) as s, s.check() as st, self.subTest(case):
                self.assertEqual((st.hardware, st.hardware_current, st.hardware_checked_at,
                                  st.hardware_reason),
                                 (hw, lc["currentActivation"], lc["checkedAt"], lc["reason"]))
                self.assertIs(st.hardware_current, case != "earlier-check")

    def test_frees(self):
        """each handle is freed once, when its with block ends (an exception too), at close()
        or when the last reference goes"""
        lib, freed = airreg._lib, []
        real = {n: getattr(lib, n) for n in ("airreg_close", "airreg_status_free")}
        for n, f in real.items():
            setattr(lib, n, lambda p, n=n, f=f: (freed.append((n, p)), f(p)))
        try:
            with airreg.Stamp(stamp_dir(self.CASE)) as s:
                sp = s._h._ptr
                with s.check() as st:
                    p = st._h._ptr
                    self.assertEqual(freed, [])
                self.assertEqual(freed, [("airreg_status_free", p)])
                with self.assertRaisesRegex(ValueError, "the Status is closed"):
                    st.state
                st.close()
                with self.assertRaises(KeyError):
                    with s.check(30) as st:
                        p = st._h._ptr
                        raise KeyError
                last = s.check()
                p2 = last._h._ptr
                del last
                self.assertEqual(freed[1:], [("airreg_status_free", p), ("airreg_status_free", p2)])
            self.assertEqual(freed[3:], [("airreg_close", sp)])
            self.assertRaisesRegex(ValueError, "Stamp is closed", s.check)
            s.close()
            self.assertRaises(airreg.Error, airreg.Stamp, stamp_dir("missing"))
            self.assertEqual([n for n, _ in freed[4:]], ["airreg_close"])
            with airreg.Stamp(stamp_dir("tampered")) as t:
                self.assertRaises(airreg.Error, t.check)
            self.assertEqual([n for n, _ in freed[5:]], ["airreg_status_free", "airreg_close"])
        finally:
            for n, f in real.items():
                setattr(lib, n, f)

    def test_threads(self):
        """8 threads x 50 checks on one Stamp: the same answer each time"""
        def answer(st):
            return (st.state, st.state_name, st.judged_at, st.serial, st.days_left,
                    tuple(st.tenants), st.licensed_cores, st.hardware)
        answers, errors = [], []

        def run(s):
            try:
                for i in range(50):
                    with s.check(30 if i % 2 else 0) as st:
                        answers.append((i % 2, answer(st)))
            except Exception as e:  # noqa: BLE001: any is a failure, reported below
                errors.append(e)
        with airreg.Stamp(stamp_dir(self.CASE)) as s:
            with s.check() as st:
                want = answer(st)
            threads = [threading.Thread(target=run, args=(s,)) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(answers), 400)
        self.assertEqual({a for _, a in answers}, {want})

    def test_close_waits(self):
        """close() from one thread while others check: the stamp is freed after the last
        check that began, and no check begins after it (ValueError instead)"""
        lib, events, started = airreg._lib, [], threading.Semaphore(0)
        real = {n: getattr(lib, n) for n in ("airreg_check", "airreg_close")}

        def check(*a):
            events.append("check")
            started.release()
            try:
                return real["airreg_check"](*a)
            finally:
                events.append("checked")
        lib.airreg_check = check
        lib.airreg_close = lambda p: (events.append("close"), real["airreg_close"](p))
        ends = []

        def run(s):
            try:
                while True:
                    s.check().close()
            except ValueError as e:
                ends.append(str(e))
        try:
            s = airreg.Stamp(stamp_dir(self.CASE))
            threads = [threading.Thread(target=run, args=(s,)) for _ in range(4)]
            for t in threads:
                t.start()
            for _ in range(8):
                started.acquire()
            s.close()
            for t in threads:
                t.join()
        finally:
            for n, f in real.items():
                setattr(lib, n, f)
        self.assertEqual(ends, ["the Stamp is closed"] * 4)
        self.assertEqual(events.count("close"), 1)
        self.assertEqual(events.count("check"), events.count("checked"))
        self.assertNotIn("check", events[events.index("close"):])
        self.assertNotIn("checked", events[events.index("close"):])


class Expiring(unittest.TestCase):
    """10 days before expiry: EXPIRING within warn_days, named "Registered" as key-import does"""
    CASE = "expiring"

    def test_expiring(self):
        self.assertEqual(expect(self.CASE, "expect-warn.json")["exit"], 6)
        with airreg.Stamp(stamp_dir(self.CASE)) as s:
            for days, state in ((30, airreg.State.EXPIRING), (10, airreg.State.EXPIRING),
                                (9, airreg.State.REGISTERED), (0, airreg.State.REGISTERED)):
                with s.check(days) as st:
                    self.assertEqual((days, st.state, st.state_name, st.days_left),
                                     (days, state, "Registered", 10))


CLASSES = [Header, Errors, Capacity, Expiring]


def child(clock):
    """the classes of this clock, at it"""
    def frozen():
        want = calendar.timegm(time.strptime(clock, "%Y-%m-%d %H:%M:%S"))
        if time.time() != want:
            raise AssertionError(f"not at {clock}: faketime did not freeze the clock")
    suite = unittest.TestSuite([unittest.FunctionTestCase(frozen)])
    for c in CLASSES:
        if clock_of(c.CASE) == clock:
            suite.addTest(unittest.defaultTestLoader.loadTestsFromTestCase(c))
    r = unittest.TextTestRunner(stream=sys.stderr, verbosity=1).run(suite)
    bad = len(r.failures) + len(r.errors) + len(r.unexpectedSuccesses)
    print(f"{r.testsRun - bad} {bad}")


def main():
    if os.environ.get("AIRREG_TEST_CLOCK"):
        return child(os.environ["AIRREG_TEST_CLOCK"])
    passed = failed = 0
    for clock in sorted({clock_of(c.CASE) for c in CLASSES}):
        p = subprocess.run(["env", "TZ=UTC", "faketime", "-f", clock, sys.executable,
                            os.path.abspath(__file__)], env={**os.environ, "AIRREG_TEST_CLOCK":
                                                             clock}, stdout=subprocess.PIPE,
                           text=True)
        counts = p.stdout.split()
        if p.returncode != 0 or len(counts) != 2:
            print(f"FAIL: the tests at {clock}: exit {p.returncode}, {p.stdout!r}")
            failed += 1
            continue
        passed, failed = passed + int(counts[0]), failed + int(counts[1])
    print(f"test_airreg: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
