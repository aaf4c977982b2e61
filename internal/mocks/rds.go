package mocks

import (
	"fmt"
	"strings"
)

// rdsHandlers answer Amazon RDS: DB instances (with the secret RDS manages for the master password), subnet
// groups and parameter groups.
var rdsHandlers = map[string]handler{
	"aws:rds/instance:Instance":             dbInstance,
	"aws:rds/subnetGroup:SubnetGroup":       namedByName,
	"aws:rds/parameterGroup:ParameterGroup": namedByName,
}

// namedByName answers a resource whose ID and name output are its name.
func namedByName(r *registration) {
	r.id = r.name
	r.set("name", r.name)
}

func dbInstance(r *registration) {
	r.id = r.in("identifier")
	address := fmt.Sprintf("%s.c%s.%s.rds.amazonaws.com", r.id, lowerAlnum(r.acct, 12), r.region)
	r.set("arn", fmt.Sprintf("arn:aws:rds:%s:%s:db:%s", r.region, r.acct, r.id))
	r.set("address", address)
	port := 5432 // a replica inherits its source's port; PostgreSQL's default otherwise
	if p, ok := r.plain()["port"].(float64); ok {
		port = int(p)
	}
	r.set("port", port)
	r.set("endpoint", fmt.Sprintf("%s:%d", address, port))
	r.set("resourceId", "db-"+strings.ToUpper(lowerAlnum(r.urn, 26)))
	if v, _ := r.plain()["manageMasterUserPassword"].(bool); v {
		r.set("masterUserSecrets", []any{map[string]any{
			"secretArn":    fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:rds!db-%s-%s", r.region, r.acct, uuid(r.urn), lowerAlnum(r.urn, 6)),
			"kmsKeyId":     r.in("masterUserSecretKmsKeyId"),
			"secretStatus": "active",
		}})
	}
}
