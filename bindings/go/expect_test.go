// SPDX-License-Identifier: Apache-2.0

// Every case, plain and with warnDays 30, against what key-import status --json said at the
// same clock (states.sh's expect.json, expect-warn.json): one verdict, two front ends.
package airreg_test

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	airreg "github.com/airreg/airreg/bindings/go"
)

// kiStatus is key-import status --json's object (docs/spec.md).
type kiStatus struct {
	Status                string  `json:"status"`
	Registration          *string `json:"registration"`
	CloudID               string  `json:"cloudId"`
	BillingModel          string  `json:"billingModel"`
	Serial                int64   `json:"serial"`
	IssuerKid             string  `json:"issuerKid"`
	ExpiresAt             int64   `json:"expiresAt"`
	DaysLeft              int64   `json:"daysLeft"`
	LicensedHosts         int64   `json:"licensedHosts"`
	RevocationListVersion int64   `json:"revocationListVersion"`
	Tenants               []struct {
		SubscriptionID string `json:"subscriptionId"`
		TenantID       string `json:"tenantId"`
	} `json:"tenants"`
	LastCheck *struct {
		Compliant         bool   `json:"compliant"`
		Reason            string `json:"reason"`
		CheckedAt         string `json:"checkedAt"`
		CurrentActivation bool   `json:"currentActivation"`
	} `json:"lastCheck"`
}

var states = map[string]airreg.State{"Not registered": airreg.NotRegistered,
	"Registered": airreg.Registered, "Expired": airreg.Expired, "Revoked": airreg.Revoked,
	"Untrusted": airreg.Untrusted}

var behindRE = regexp.MustCompile(`^warning: the clock is ([0-9]+) days? behind`)

// want is the Status the expectation says, from what key-import printed; status --json
// does not print the licensed cores, which are read from the activation the stamp holds.
func want(t *testing.T, dir string, x *expectation, ks *kiStatus) *airreg.Status {
	clock, err := os.ReadFile(filepath.Join(dir, "clock"))
	if err != nil {
		t.Fatal(err)
	}
	at, err := time.Parse("2006-01-02 15:04:05", strings.TrimSpace(string(clock)))
	if err != nil {
		t.Fatal(err)
	}
	w := &airreg.Status{State: states[ks.Status], StateName: ks.Status, JudgedAt: at.Unix(),
		RevocationListVersion: ks.RevocationListVersion, Serial: -1, ExpiresAt: -1,
		LicensedHosts: -1, LicensedCores: -1}
	if x.Exit == 6 {
		w.State = airreg.Expiring
	}
	for _, line := range x.Stderr {
		if m := behindRE.FindStringSubmatch(line); m != nil {
			days, _ := strconv.ParseInt(m[1], 10, 64)
			w.ClockBehind = days * 86400
			w.JudgedAt += w.ClockBehind
		}
	}
	if w.State == airreg.Untrusted || w.State == airreg.Revoked {
		w.Reason = x.Stderr[0]
	}
	if ks.Registration != nil {
		var act struct {
			Licensed struct {
				CPUCores *int64 `json:"cpuCores"`
			} `json:"licensed"`
		}
		load(t, filepath.Join(dir, "stamp", "activation.json"), &act)
		if act.Licensed.CPUCores != nil {
			w.LicensedCores = *act.Licensed.CPUCores
		}
		w.HasActivation, w.Registration, w.CloudID = true, *ks.Registration, ks.CloudID
		w.BillingModel, w.IssuerKid, w.Serial = ks.BillingModel, ks.IssuerKid, ks.Serial
		w.ExpiresAt, w.DaysLeft, w.LicensedHosts = ks.ExpiresAt, ks.DaysLeft, ks.LicensedHosts
		w.Tenants = []airreg.Tenant{}
		for _, tn := range ks.Tenants {
			w.Tenants = append(w.Tenants, airreg.Tenant{SubscriptionID: tn.SubscriptionID,
				TenantID: tn.TenantID})
		}
	}
	if lc := ks.LastCheck; lc != nil {
		w.Hardware = airreg.HardwareNotCompliant
		if lc.Compliant {
			w.Hardware = airreg.HardwareCompliant
		}
		w.HardwareCurrent, w.HardwareCheckedAt, w.HardwareReason =
			lc.CurrentActivation, lc.CheckedAt, lc.Reason
	}
	return w
}

func TestMatchesKeyImport(t *testing.T) {
	dir, stamp := caseDir(t)
	for _, c := range []struct {
		warn int
		file string
	}{{0, "expect.json"}, {30, "expect-warn.json"}} {
		var x expectation
		load(t, filepath.Join(dir, c.file), &x)
		var st *airreg.Status
		s, err := airreg.Open(stamp)
		if err == nil {
			st, err = s.Check(c.warn)
			s.Close()
		}
		if x.Status == nil {
			if x.Exit != airreg.CodeEnv || len(x.Stderr) != 1 {
				t.Fatalf("%s: an expectation this test does not know: %+v", c.file, x)
			}
			wantError(t, c.file, err, airreg.CodeEnv, x.Stderr[0])
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		var ks kiStatus
		load(t, filepath.Join(dir, c.file), &struct {
			Status *kiStatus `json:"status"`
		}{&ks})
		if w := want(t, dir, &x, &ks); !reflect.DeepEqual(st, w) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.file, st, w)
		}
	}
}
