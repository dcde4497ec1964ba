// SPDX-License-Identifier: Apache-2.0

// Package airreg asks libairreg (airreg.h, man 3 airreg) whether this stamp is activated:
// the verdict `key-import status --json` gives, computed by the same code, in process.
//
// Check copies the whole answer out of the C library and frees it before it returns, so a
// Status is a plain Go value (compare it, copy it, keep it) and nothing but a Stamp holds C
// memory. A Stamp may be used from any number of goroutines at once; Close waits for the
// checks in flight.
package airreg

// #cgo pkg-config: airreg
// #include <stdlib.h>
// #include <airreg.h>
import "C"

import (
	"math"
	"strconv"
	"sync"
	"unsafe"
)

// Error codes: the exit statuses of key-import (docs/spec.md, "Exit status").
const (
	CodeInternal = int(C.AIRREG_EINTERNAL) // out of memory; a defect
	CodeUsage    = int(C.AIRREG_EUSAGE)    // a bad argument: a closed Stamp, warnDays out of range
	CodeEnv      = int(C.AIRREG_EENV)      // the state directory missing, unreadable or damaged
)

// Error is a failed Open or Check: the library's code and its message, the line key-import
// prints without "key-import: ".
type Error struct {
	Code    int
	Message string
}

func (e *Error) Error() string { return "airreg: " + e.Message }

// State is the activation's state (enum airreg_state).
type State int

const (
	NotRegistered State = C.AIRREG_NOT_REGISTERED
	Registered    State = C.AIRREG_REGISTERED // valid, for more than warnDays
	Expiring      State = C.AIRREG_EXPIRING   // valid, expiring within warnDays
	Expired       State = C.AIRREG_EXPIRED
	Revoked       State = C.AIRREG_REVOKED   // the revocation list held revokes it
	Untrusted     State = C.AIRREG_UNTRUSTED // its key does not verify against the trust store now
)

var stateNames = map[State]string{NotRegistered: "NotRegistered", Registered: "Registered",
	Expiring: "Expiring", Expired: "Expired", Revoked: "Revoked", Untrusted: "Untrusted"}

// String names the state as this package does (Status.StateName is key-import's word).
func (s State) String() string {
	if n, ok := stateNames[s]; ok {
		return n
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// Hardware is the last hardware check's verdict (enum airreg_hardware).
type Hardware int

const (
	HardwareNotChecked   Hardware = C.AIRREG_HW_NOT_CHECKED
	HardwareCompliant    Hardware = C.AIRREG_HW_COMPLIANT
	HardwareNotCompliant Hardware = C.AIRREG_HW_NOT_COMPLIANT
)

// Tenant is one Azure tenant the activation carries.
type Tenant struct {
	SubscriptionID string
	TenantID       string
}

// Status is one verified answer, copied out of the library. Times are Unix seconds.
type Status struct {
	State     State
	StateName string // key-import status's "status" ("Registered" when Expiring)
	Reason    string // why Untrusted or Revoked; else ""
	JudgedAt  int64  // the time judged at: the clock, or the latest time trusted if later
	// how far the clock is behind the latest time trusted, in seconds, when more than the
	// skew allowed; else 0
	ClockBehind           int64
	RevocationListVersion int64 // the revocation list held; 0: none

	// The activation. HasActivation false: none here, and these are "", -1 and nil.
	HasActivation bool
	Registration  string
	CloudID       string
	BillingModel  string
	IssuerKid     string
	Serial        int64
	ExpiresAt     int64
	DaysLeft      int64 // negative: days since it expired; 0 without an activation
	LicensedHosts int64
	LicensedCores int64    // -1: no cores licensed (or no activation)
	Tenants       []Tenant // empty, not nil, for an activation without tenants

	// The last hardware check (key-import check); HardwareNotChecked: none, and the rest
	// are false and "".
	Hardware          Hardware
	HardwareCurrent   bool // it judged the activation held now
	HardwareCheckedAt string
	HardwareReason    string
}

// Valid says whether the activation may be used: Registered or Expiring.
func (s *Status) Valid() bool { return s.State == Registered || s.State == Expiring }

// Stamp is an opened state directory. Close it when done.
type Stamp struct {
	mu  sync.RWMutex // read: a check in flight; write: Close
	c   *C.airreg_stamp
	dir string
}

// Version is the library's version ("1.0.0"), which may be newer than the header's.
func Version() string { return C.GoString(C.airreg_version()) }

// Open opens the state directory stateDir. The empty string asks for the default, as NULL
// does in C: $AIRREG_STATE_DIR, else /var/lib/airreg/stamp.
func Open(stateDir string) (*Stamp, error) {
	var cs *C.airreg_stamp
	var cdir *C.char

	if stateDir != "" {
		cdir = C.CString(stateDir)
		defer C.free(unsafe.Pointer(cdir))
	}
	rc := C.airreg_open(cdir, &cs)
	if cs == nil {
		return nil, &Error{Code: CodeInternal, Message: "out of memory"}
	}
	if rc != C.AIRREG_OK {
		err := &Error{Code: int(rc), Message: C.GoString(C.airreg_stamp_errmsg(cs))}
		C.airreg_close(cs)
		return nil, err
	}
	return &Stamp{c: cs, dir: C.GoString(C.airreg_stamp_dir(cs))}, nil
}

// Dir is the state directory opened (airreg_stamp_dir).
func (s *Stamp) Dir() string { return s.dir }

// Close frees the stamp, once every check in flight has returned. A Check after Close
// fails with CodeUsage; a second Close does nothing.
func (s *Stamp) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	C.airreg_close(s.c)
	s.c = nil
}

// Check reads and verifies the activation now. warnDays 0, or 1 to 3650: an activation
// valid for warnDays days or fewer is Expiring.
func (s *Stamp) Check(warnDays int) (*Status, error) {
	var cst *C.airreg_status

	// out of C's int: still out of range, and the library refuses it
	if warnDays > math.MaxInt32 {
		warnDays = math.MaxInt32
	} else if warnDays < math.MinInt32 {
		warnDays = math.MinInt32
	}
	s.mu.RLock()
	// a closed stamp is NULL here, which the library refuses with its own message
	rc := C.airreg_check(s.c, C.int(warnDays), &cst)
	s.mu.RUnlock()
	if cst == nil {
		return nil, &Error{Code: CodeInternal, Message: "out of memory"}
	}
	defer C.airreg_status_free(cst)
	if rc != C.AIRREG_OK {
		return nil, &Error{Code: int(rc), Message: C.GoString(C.airreg_status_errmsg(cst))}
	}
	return copyStatus(cst), nil
}

func copyStatus(c *C.airreg_status) *Status {
	st := &Status{
		State:                 State(C.airreg_state(c)),
		StateName:             C.GoString(C.airreg_state_name(c)),
		Reason:                C.GoString(C.airreg_reason(c)),
		JudgedAt:              int64(C.airreg_judged_at(c)),
		ClockBehind:           int64(C.airreg_clock_behind(c)),
		RevocationListVersion: int64(C.airreg_revocation_list_version(c)),
		HasActivation:         C.airreg_registration(c) != nil,
		Registration:          C.GoString(C.airreg_registration(c)),
		CloudID:               C.GoString(C.airreg_cloud_id(c)),
		BillingModel:          C.GoString(C.airreg_billing_model(c)),
		IssuerKid:             C.GoString(C.airreg_issuer_kid(c)),
		Serial:                int64(C.airreg_serial(c)),
		ExpiresAt:             int64(C.airreg_expires_at(c)),
		DaysLeft:              int64(C.airreg_days_left(c)),
		LicensedHosts:         int64(C.airreg_licensed_hosts(c)),
		LicensedCores:         int64(C.airreg_licensed_cores(c)),
		Hardware:              Hardware(C.airreg_hardware(c)),
		HardwareCurrent:       C.airreg_hardware_current(c) == 1,
	}
	// libairreg 1.0.0 answers "-", not NULL, for these when no check ran
	if st.Hardware != HardwareNotChecked {
		st.HardwareCheckedAt = C.GoString(C.airreg_hardware_checked_at(c))
		st.HardwareReason = C.GoString(C.airreg_hardware_reason(c))
	}
	if st.HasActivation {
		n := int64(C.airreg_tenant_count(c))
		st.Tenants = make([]Tenant, 0, n)
		for i := C.longlong(0); i < C.longlong(n); i++ {
			st.Tenants = append(st.Tenants, Tenant{
				SubscriptionID: C.GoString(C.airreg_tenant_subscription(c, i)),
				TenantID:       C.GoString(C.airreg_tenant_id(c, i)),
			})
		}
	}
	return st
}
