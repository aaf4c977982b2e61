package mocks

import (
	"fmt"
	"strings"
)

// iamHandlers answer AWS IAM: roles, inline role policies and service-linked roles.
var iamHandlers = map[string]handler{
	"aws:iam/role:Role": iamRole,
	"aws:iam/rolePolicy:RolePolicy": func(r *registration) {
		r.id = r.in("role") + ":" + r.name
		r.set("name", r.name)
	},
	"aws:iam/serviceLinkedRole:ServiceLinkedRole": serviceLinkedRole,
}

func iamRole(r *registration) {
	path := r.in("path")
	if path == "" {
		path = "/"
	}
	r.id = r.name
	r.set("name", r.name)
	r.set("arn", fmt.Sprintf("arn:aws:iam::%s:role%s%s", r.acct, path, r.name))
	r.set("uniqueId", "AROA"+strings.ToUpper(lowerAlnum(r.urn, 17)))
	r.set("createDate", "2026-11-29T00:00:00Z")
}

// serviceLinkedRole names the role as IAM does: AWSServiceRoleFor<Service> under /aws-service-role/<principal>/.
func serviceLinkedRole(r *registration) {
	svc := r.in("awsServiceName")
	short := strings.SplitN(svc, ".", 2)[0]
	roleName := "AWSServiceRoleFor" + strings.ToUpper(short[:1]) + short[1:]
	r.id = fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/%s/%s", r.acct, svc, roleName)
	r.set("arn", r.id)
	r.set("name", roleName)
	r.set("path", "/aws-service-role/"+svc+"/")
}
