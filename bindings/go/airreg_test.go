// SPDX-License-Identifier: Apache-2.0

// The binding against the stamps tests/lib/states.sh makes: CASE names one case directory
// (stamp/, clock, expect.json, expect-warn.json) and the test binary runs under that case's
// frozen clock (tests/lib/go.sh: faketime intercepts the C library's time(), which is the
// clock libairreg judges by; Go's own clock is not frozen and is not used here). Every case
// is held to what key-import status --json said; the checks named for a case hold the
// binding's own promises there.
package airreg_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	airreg "github.com/airreg/airreg/bindings/go"
)

const (
	sub = "11111111-2222-3333-4444-555555555555"
	ten = "66666666-7777-8888-9999-aaaaaaaaaaaa"
)

// caseDir is $CASE; a test about one case skips the others (go.sh runs each case once).
func caseDir(t *testing.T, only ...string) (dir, stamp string) {
	t.Helper()
	dir = os.Getenv("CASE")
	if dir == "" {
		// a plain `go test` has no stamp to read; tests/lib/go.sh fails a case where none ran
		t.Skip("CASE is not set: tests/lib/go.sh runs these against tests/lib/states.sh's stamps")
	}
	if len(only) > 0 && !contains(only, filepath.Base(dir)) {
		t.Skipf("only in case %v", only)
	}
	return dir, filepath.Join(dir, "stamp")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func open(t *testing.T, stamp string) *airreg.Stamp {
	t.Helper()
	s, err := airreg.Open(stamp)
	if err != nil {
		t.Fatalf("Open(%s): %v", stamp, err)
	}
	t.Cleanup(s.Close)
	return s
}

func check(t *testing.T, s *airreg.Stamp, warnDays int) *airreg.Status {
	t.Helper()
	st, err := s.Check(warnDays)
	if err != nil {
		t.Fatalf("Check(%d): %v", warnDays, err)
	}
	return st
}

// wantError: err is an *Error with this code and message.
func wantError(t *testing.T, what string, err error, code int, msg string) {
	t.Helper()
	var e *airreg.Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: want *airreg.Error %d %q, got %v", what, code, msg, err)
	}
	if e.Code != code || e.Message != msg {
		t.Fatalf("%s: want %d %q, got %d %q", what, code, msg, e.Code, e.Message)
	}
	if err.Error() != "airreg: "+msg {
		t.Fatalf("%s: Error() is %q", what, err.Error())
	}
}

func TestOpenErrors(t *testing.T) {
	dir, stamp := caseDir(t, "missing", "no-identity", "not-a-dir")
	msg := map[string]string{
		"missing": "no such directory " + stamp + ": check --state-dir and $AIRREG_STATE_DIR " +
			"(token-gen init --state-dir " + stamp + " makes a new stamp there)",
		"no-identity": "no stamp identity in " + stamp + " (run token-gen init)",
		"not-a-dir": stamp + ": is a regular file, not a directory " +
			"(check --state-dir and $AIRREG_STATE_DIR)",
	}[filepath.Base(dir)]
	s, err := airreg.Open(stamp)
	if s != nil {
		t.Fatalf("Open returned a stamp with %v", err)
	}
	wantError(t, "Open", err, airreg.CodeEnv, msg)
}

func TestTampered(t *testing.T) {
	_, stamp := caseDir(t, "tampered")
	st, err := open(t, stamp).Check(0)
	if st != nil {
		t.Fatalf("Check returned a status with %v: %+v", err, st)
	}
	wantError(t, "Check", err, airreg.CodeEnv, stamp+`: activation.json: "expiresAt" is not `+
		`what the key it holds says (changed by hand or damaged): issue a new key on the `+
		`workstation (registrar activation-key --name east) and import it`)
}

// Expiring is decided to the second: 10 days left is within 10, not within 9.
func TestExpiring(t *testing.T) {
	_, stamp := caseDir(t, "expiring")
	s := open(t, stamp)
	for _, c := range []struct {
		warn int
		want airreg.State
	}{{30, airreg.Expiring}, {10, airreg.Expiring}, {9, airreg.Registered}, {0, airreg.Registered}} {
		st := check(t, s, c.warn)
		if st.State != c.want || st.StateName != "Registered" || st.DaysLeft != 10 || !st.Valid() {
			t.Errorf("Check(%d): want %v, Registered, 10 days, valid; got %v, %q, %d, %v",
				c.warn, c.want, st.State, st.StateName, st.DaysLeft, st.Valid())
		}
	}
}

func TestCapacity(t *testing.T) {
	_, stamp := caseDir(t, "capacity")
	st := check(t, open(t, stamp), 0)
	want := []airreg.Tenant{{SubscriptionID: sub, TenantID: ten}}
	if !reflect.DeepEqual(st.Tenants, want) {
		t.Errorf("tenants: want %+v, got %+v", want, st.Tenants)
	}
	if st.State != airreg.Registered || st.Registration != "east" || st.BillingModel != "Capacity" ||
		st.LicensedHosts != 2 || st.LicensedCores != 32 || st.Serial != 1 || st.DaysLeft != 60 {
		t.Errorf("want Registered east Capacity, 2 hosts, 32 cores, serial 1, 60 days: %+v", st)
	}
}

func TestDevelopment(t *testing.T) {
	_, stamp := caseDir(t, "registered")
	st := check(t, open(t, stamp), 0)
	if st.Tenants == nil || len(st.Tenants) != 0 || st.LicensedCores != -1 || st.LicensedHosts != 1 {
		t.Errorf("want no tenants (empty, not nil), no cores, 1 host: %+v", st)
	}
}

// result is one Check's answer, by value: a binding that handed out shared memory would
// change a result already taken.
type result struct {
	st  airreg.Status
	err error
}

func checkValue(s *airreg.Stamp, warnDays int) result {
	st, err := s.Check(warnDays)
	if st == nil {
		return result{err: err}
	}
	return result{*st, err}
}

// Many goroutines on one Stamp, asking with warnDays 0 and 30 in turn (two answers where the
// stamp expires within 30 days), get what one goroutine gets, error or not.
func TestConcurrent(t *testing.T) {
	_, stamp := caseDir(t, "expiring", "tampered")
	s := open(t, stamp)
	ref := [2]result{checkValue(s, 0), checkValue(s, 30)}
	var wg sync.WaitGroup
	var bad atomic.Int64
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				k := (g + i) % 2
				if r := checkValue(s, 30*k); !reflect.DeepEqual(r, ref[k]) {
					bad.Add(1)
				}
			}
		}(g)
	}
	wg.Wait()
	if n := bad.Load(); n != 0 {
		t.Fatalf("%d of 800 concurrent checks differ from %+v", n, ref)
	}
}

// Close waits for the checks in flight; every check after it is refused, none crashes.
func TestCloseWhileChecking(t *testing.T) {
	_, stamp := caseDir(t, "capacity")
	s, err := airreg.Open(stamp)
	if err != nil {
		t.Fatal(err)
	}
	ref := check(t, s, 0)
	var done atomic.Int64
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func() {
			for {
				st, err := s.Check(0)
				if err != nil {
					errs <- err
					return
				}
				if !reflect.DeepEqual(st, ref) {
					errs <- errors.New("a check differs before Close")
					return
				}
				done.Add(1)
			}
		}()
	}
	for deadline := time.Now().Add(20 * time.Second); done.Load() < 100; {
		if time.Now().After(deadline) {
			t.Fatal("no 100 checks in 20 s")
		}
		time.Sleep(time.Millisecond)
	}
	s.Close()
	for g := 0; g < 8; g++ {
		wantError(t, "Check after Close", <-errs, airreg.CodeUsage, "no stamp (airreg_open makes one)")
	}
	s.Close() // a second Close does nothing
}

func TestWarnDaysRange(t *testing.T) {
	_, stamp := caseDir(t, "capacity")
	s := open(t, stamp)
	for warn, shown := range map[int]string{-1: "-1", 3651: "3651", 1 << 40: "2147483647",
		-1 << 40: "-2147483648"} {
		_, err := s.Check(warn)
		wantError(t, "Check("+shown+")", err, airreg.CodeUsage,
			"warn_days takes whole days, 1 to 3650 (0: none): "+shown)
	}
	for _, warn := range []int{1, 3650} {
		if st := check(t, s, warn); warn == 3650 && st.State != airreg.Expiring {
			t.Errorf("Check(3650): %v", st.State)
		}
	}
}

// Open("") is the C's NULL: $AIRREG_STATE_DIR, then the default.
func TestDefaultDir(t *testing.T) {
	dir, stamp := caseDir(t, "capacity")
	t.Setenv("AIRREG_STATE_DIR", stamp)
	s := open(t, "")
	if s.Dir() != stamp {
		t.Errorf("Dir: want %s, got %s", stamp, s.Dir())
	}
	if a, b := check(t, s, 0), check(t, open(t, stamp), 0); !reflect.DeepEqual(a, b) {
		t.Errorf("Open(\"\") answers %+v, Open(dir) %+v", a, b)
	}
	gone := filepath.Join(dir, "gone")
	t.Setenv("AIRREG_STATE_DIR", gone)
	_, err := airreg.Open("")
	wantError(t, "Open(\"\") with a missing $AIRREG_STATE_DIR", err, airreg.CodeEnv,
		"no such directory "+gone+": check --state-dir and $AIRREG_STATE_DIR "+
			"(token-gen init --state-dir "+gone+" makes a new stamp there)")
}

func TestVersion(t *testing.T) {
	caseDir(t, "capacity")
	if v := airreg.Version(); v != "1.0.0" {
		t.Errorf("Version: %q", v)
	}
}

// expectation is what states.sh recorded of key-import status --json.
type expectation struct {
	Exit   int              `json:"exit"`
	Stderr []string         `json:"stderr"`
	Status *json.RawMessage `json:"status"`
}

func load(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		t.Fatal(err)
	}
}
