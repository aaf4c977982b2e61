package mocks

import (
	"fmt"
	"strings"
)

// organizationsHandlers answer AWS Organizations: the organization, its OUs, accounts, policies and delegated
// administrators, with the IDs and ARNs of the organization registered first.
var organizationsHandlers = map[string]handler{
	"aws:organizations/organization:Organization":             organization,
	"aws:organizations/organizationalUnit:OrganizationalUnit": organizationalUnit,
	"aws:organizations/account:Account":                       organizationsAccount,
	"aws:organizations/policy:Policy":                         organizationsPolicy,
	"aws:organizations/policyAttachment:PolicyAttachment": func(r *registration) {
		r.id = r.in("targetId") + ":" + r.in("policyId")
	},
	"aws:organizations/delegatedAdministrator:DelegatedAdministrator": delegatedAdministrator,
}

func organization(r *registration) {
	acct := r.acct
	orgID := "o-" + lowerAlnum(r.urn, 10)
	rootID := "r-" + lowerAlnum(r.urn+"root", 4)
	r.m.mu.Lock()
	r.m.orgID, r.m.rootID = orgID, rootID
	r.m.mu.Unlock()
	r.orgID, r.rootID = orgID, rootID
	r.id = orgID
	var policyTypes []any
	if v, ok := r.plain()["enabledPolicyTypes"].([]any); ok {
		for _, p := range v {
			policyTypes = append(policyTypes, map[string]any{"type": p, "status": "ENABLED"})
		}
	}
	r.set("arn", fmt.Sprintf("arn:aws:organizations::%s:organization/%s", acct, orgID))
	r.set("masterAccountId", acct)
	r.set("masterAccountArn", fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", acct, orgID, acct))
	r.set("roots", []any{map[string]any{
		"id": rootID, "name": "Root", "policyTypes": policyTypes,
		"arn": fmt.Sprintf("arn:aws:organizations::%s:root/%s/%s", acct, orgID, rootID),
	}})
	r.set("accounts", []any{})
	r.set("nonMasterAccounts", []any{})
}

func organizationalUnit(r *registration) {
	r.id = "ou-" + strings.TrimPrefix(r.rootID, "r-") + "-" + lowerAlnum(r.urn, 8)
	r.set("arn", fmt.Sprintf("arn:aws:organizations::%s:ou/%s/%s", r.acct, r.orgID, r.id))
	r.set("accounts", []any{})
}

func organizationsAccount(r *registration) {
	r.id = AccountID(r.in("email"))
	r.set("arn", fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", r.acct, r.orgID, r.id))
	r.set("status", "ACTIVE")
	r.set("joinedMethod", "CREATED")
}

func organizationsPolicy(r *registration) {
	r.id = "p-" + lowerAlnum(r.urn, 8)
	kind := strings.ToLower(r.in("type"))
	r.set("arn", fmt.Sprintf("arn:aws:organizations::%s:policy/%s/%s/%s", r.acct, r.orgID, kind, r.id))
}

func delegatedAdministrator(r *registration) {
	r.id = r.in("accountId") + "/" + r.in("servicePrincipal")
	r.set("arn", fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", r.acct, r.orgID, r.in("accountId")))
	r.set("status", "ACTIVE")
	r.set("delegationEnabledDate", "2026-11-29T00:00:00Z")
}

// organizationAdminAccount answers a service's own delegated-administrator resource (GuardDuty, Security Hub,
// CloudTrail): its ID is the administrator account.
func organizationAdminAccount(r *registration) {
	r.id = r.in("adminAccountId") + r.in("accountId")
}
