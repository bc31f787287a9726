package main

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
)

// The resolver converter builds what the provider's Decode builds: subsets and failover blocks become maps
// keyed by name, durations are parsed, targets keep their order.
func TestServiceResolverToAPI(t *testing.T) {
	var block map[string]interface{}
	if err := json.Unmarshal([]byte(`{
		"name": "api", "partition": "default", "namespace": "default",
		"connect_timeout": "1.5s", "request_timeout": "0s", "default_subset": "v1",
		"subsets": [{"name": "v1", "filter": "Service.Meta.version == v1", "only_passing": true}],
		"failover": [{"subset_name": "*", "targets": [{"peer": "dc3"}, {"service": "api-v2", "peer": "dc2"}]}]
	}`), &block); err != nil {
		t.Fatal(err)
	}
	var problems []string
	report := func(path, msg string) { problems = append(problems, path+": "+msg) }
	checkTFBlock(serviceResolverSchema, block, "", report)
	checkServiceResolverBlock(block, report)
	var got api.ServiceResolverConfigEntry
	problems = append(problems, strictDecode(serviceResolverToAPI(block), &got)...)
	if len(problems) > 0 {
		t.Fatalf("unexpected problems: %v", problems)
	}
	want := api.ServiceResolverConfigEntry{
		Kind: api.ServiceResolver, Name: "api", Partition: "default", Namespace: "default",
		ConnectTimeout: 1500 * time.Millisecond, DefaultSubset: "v1",
		Subsets: map[string]api.ServiceResolverSubset{"v1": {Filter: "Service.Meta.version == v1", OnlyPassing: true}},
		Failover: map[string]api.ServiceResolverFailover{"*": {Targets: []api.ServiceResolverFailoverTarget{
			{Peer: "dc3"}, {Service: "api-v2", Peer: "dc2"},
		}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestValidServiceSubset(t *testing.T) {
	for s, want := range map[string]bool{"v1": true, "a-b": true, "": false, "-a": false, "a-": false, "V1": false, "a_b": false} {
		if got := validServiceSubset(s); got != want {
			t.Errorf("validServiceSubset(%q) = %v, want %v", s, got, want)
		}
	}
}
