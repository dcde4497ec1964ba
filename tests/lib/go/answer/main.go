// SPDX-License-Identifier: Apache-2.0

// airreg-answer CASE_DIR: the Go binding's "answer" for one case of tests/lib/states.sh
// (tests/lib/compare.py holds it to key-import status --json, as it holds answer.c's),
// run under the case's faketime. It lives outside bindings/go so that the package installed
// for products carries no test program.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	airreg "github.com/airreg/airreg/bindings/go"
)

type lastCheck struct {
	Compliant         bool   `json:"compliant"`
	Reason            string `json:"reason"`
	CheckedAt         string `json:"checkedAt"`
	CurrentActivation bool   `json:"currentActivation"`
}

type tenant struct {
	SubscriptionID string `json:"subscriptionId"`
	TenantID       string `json:"tenantId"`
}

// answer is the contract's object, in its order; a nil pointer is JSON null.
type answer struct {
	Code                  int        `json:"code"`
	Message               *string    `json:"message"`
	State                 *int       `json:"state"`
	Status                *string    `json:"status"`
	Reason                *string    `json:"reason"`
	JudgedAt              *int64     `json:"judgedAt"`
	ClockBehind           *int64     `json:"clockBehind"`
	RevocationListVersion *int64     `json:"revocationListVersion"`
	Registration          *string    `json:"registration"`
	CloudID               *string    `json:"cloudId"`
	BillingModel          *string    `json:"billingModel"`
	IssuerKid             *string    `json:"issuerKid"`
	Serial                *int64     `json:"serial"`
	ExpiresAt             *int64     `json:"expiresAt"`
	DaysLeft              *int64     `json:"daysLeft"`
	LicensedHosts         *int64     `json:"licensedHosts"`
	LicensedCores         *int64     `json:"licensedCores"`
	Tenants               []tenant   `json:"tenants"`
	LastCheck             *lastCheck `json:"lastCheck"`
}

func ptr[T any](v T) *T { return &v }

// optional is nil for the value the C API gives for "none".
func optional[T comparable](v, none T) *T {
	if v == none {
		return nil
	}
	return &v
}

func ask(stampDir string, warnDays int) answer {
	st, err := func() (*airreg.Status, error) {
		s, err := airreg.Open(stampDir)
		if err != nil {
			return nil, err
		}
		defer s.Close()
		return s.Check(warnDays)
	}()
	var e *airreg.Error
	if errors.As(err, &e) {
		return answer{Code: e.Code, Message: &e.Message}
	} else if err != nil {
		fail(err)
	}
	a := answer{State: ptr(int(st.State)), Status: &st.StateName, Reason: optional(st.Reason, ""),
		JudgedAt: &st.JudgedAt, ClockBehind: &st.ClockBehind,
		RevocationListVersion: optional(st.RevocationListVersion, 0)}
	if st.HasActivation {
		a.Registration, a.CloudID = &st.Registration, &st.CloudID
		a.BillingModel, a.IssuerKid = &st.BillingModel, &st.IssuerKid
		a.Serial, a.ExpiresAt, a.DaysLeft = &st.Serial, &st.ExpiresAt, &st.DaysLeft
		a.LicensedHosts, a.LicensedCores = &st.LicensedHosts, optional(st.LicensedCores, -1)
		a.Tenants = []tenant{}
		for _, t := range st.Tenants {
			a.Tenants = append(a.Tenants, tenant{t.SubscriptionID, t.TenantID})
		}
	}
	if st.Hardware != airreg.HardwareNotChecked {
		a.LastCheck = &lastCheck{Compliant: st.Hardware == airreg.HardwareCompliant,
			Reason: st.HardwareReason, CheckedAt: st.HardwareCheckedAt,
			CurrentActivation: st.HardwareCurrent}
	}
	return a
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "airreg-answer: %v\n", err)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 2 {
		fail(errors.New("usage: airreg-answer CASE_DIR"))
	}
	stamp := filepath.Join(os.Args[1], "stamp")
	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)
	all := struct {
		Version string `json:"version"`
		Plain   answer `json:"plain"`
		Warn    answer `json:"warn"`
	}{airreg.Version(), ask(stamp, 0), ask(stamp, 30)}
	if err := out.Encode(all); err != nil {
		fail(err)
	}
}
