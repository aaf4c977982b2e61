package mocks

import (
	"fmt"
	"strings"
)

// identityCenterHandlers answer IAM Identity Center: identity store groups and permission sets.
var identityCenterHandlers = map[string]handler{
	"aws:identitystore/group:Group": func(r *registration) {
		groupID := uuid(r.urn)
		r.id = r.in("identityStoreId") + "/" + groupID
		r.set("groupId", groupID)
	},
	"aws:ssoadmin/permissionSet:PermissionSet": func(r *registration) {
		instance := r.in("instanceArn")
		arn := fmt.Sprintf("arn:aws:sso:::permissionSet/%s/ps-%s", instance[strings.LastIndex(instance, "/")+1:], hexID(r.urn, 16))
		r.id = arn + "," + r.in("instanceArn")
		r.set("arn", arn)
		r.set("createdDate", "2026-11-29T00:00:00Z")
	},
}
