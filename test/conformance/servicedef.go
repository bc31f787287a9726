package main

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"

	"github.com/hashicorp/consul/api"
)

var (
	agentServiceCheckType = reflect.TypeOf(api.AgentServiceCheck{})
	registrationType      = reflect.TypeOf(api.AgentServiceRegistration{})
)

// configFileNames returns the snake_case keys an agent config file uses for an API field. They are the
// field name in snake_case (DestinationName -> destination_name), except where the agent's config
// structs name the field differently from consul/api.
func configFileNames(owner reflect.Type, field string) []string {
	if owner == agentServiceCheckType {
		switch field {
		case "CheckID":
			return []string{"id"} // agent config: check `id`; API: CheckID
		case "Args":
			return []string{"args", "script_args"}
		}
	}
	return []string{toSnake(field)}
}

// checkServiceDocument checks one agent config-file document ({"service": {...}} or
// {"services": [...]}) and returns how many service definitions it holds.
func checkServiceDocument(file, address string, doc map[string]interface{}, opt options, probs *problems) int {
	report := func(path, msg string) { probs.add(file, address, path, msg) }
	doc = checkInterpolations(file, address, "", doc, opt, probs).(map[string]interface{})

	type svc struct {
		path string
		body interface{}
	}
	var services []svc
	for _, k := range sortedKeys(doc) {
		switch k {
		case "service":
			services = append(services, svc{"service", doc[k]})
		case "services":
			list, ok := doc[k].([]interface{})
			if !ok {
				report("services", "must be a list of service definitions")
				continue
			}
			for i, b := range list {
				services = append(services, svc{pathIndex("services", i), b})
			}
		default:
			report(pathKey("", k), fmt.Sprintf("unexpected top-level key %q: a service-definition document holds only \"service\" or \"services\"", k))
		}
	}
	if len(services) == 0 {
		report("", "no \"service\" or \"services\" key")
	}
	for _, s := range services {
		checkServiceDefinition(s.path, s.body, report)
	}
	return len(services)
}

// checkServiceDefinition converts one service definition from the agent's config-file form (snake_case)
// to API field names, decodes it strictly into api.AgentServiceRegistration, and applies the
// agent's own registration checks.
func checkServiceDefinition(path string, body interface{}, report reporter) {
	if _, ok := body.(map[string]interface{}); !ok {
		report(path, "a service definition must be a JSON object")
		return
	}
	failed := false
	fail := func(path, msg string) { failed = true; report(path, msg) }
	converted := toAPIKeys(registrationType, body, path, fail, report)
	var reg api.AgentServiceRegistration
	for _, e := range strictDecode(converted, &reg) {
		fail(path, "strict decode into api.AgentServiceRegistration (API field names): "+e)
	}
	if failed {
		return // the agent's own checks need a complete decode; they would only add follow-on noise
	}
	checkRegistration(&reg, path, false, report)
}

// toAPIKeys returns v with every config-file key renamed to the API field it decodes into, reporting
// keys the agent would not accept through report, and out-of-range ports and unknown mesh gateway
// modes through semantic. Free-form maps (meta, proxy.config, upstream config, check header) are
// copied as they are; tagged_addresses keeps its keys (lan, wan, ...) and converts its values.
func toAPIKeys(t reflect.Type, v interface{}, path string, report, semantic reporter) interface{} {
	t = deref(t)
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]interface{})
		if !ok {
			return v // a type mismatch; the strict decode reports it
		}
		fields := structFields(t)
		byConfigName := map[string]fieldInfo{}
		var configNames []string
		for _, f := range fields {
			for _, n := range configFileNames(t, f.name) {
				byConfigName[n] = f
				configNames = append(configNames, n)
			}
		}
		sort.Strings(configNames)
		out := make(map[string]interface{}, len(obj))
		for _, k := range sortedKeys(obj) {
			p := pathKey(path, k)
			if k == "token" {
				report(p, "a service definition must not carry an ACL token: tokens reach the agent as files (-token-file or acl.tokens.config_file_service_registration), never inside the uploaded definition")
				continue
			}
			f, ok := byConfigName[k]
			if !ok {
				if pascal, found := findField(fields, func(f fieldInfo) bool {
					return strings.EqualFold(f.name, k) || strings.EqualFold(f.name, strings.ReplaceAll(k, "_", ""))
				}); found {
					report(p, fmt.Sprintf("key %q is not the agent config-file spelling; use %q (config files are snake_case)", k, configFileNames(t, pascal.name)[0]))
				} else {
					report(p, fmt.Sprintf("unknown key %q in a service definition (API type api.%s)%s", k, t.Name(), suggestOrList(k, configNames)))
				}
				continue
			}
			ft := deref(f.field.Type)
			if ft.Kind() == reflect.Int && strings.HasSuffix(f.name, "Port") {
				checkPort(obj[k], p, semantic)
			}
			if ft == meshGatewayModeType {
				if s, isString := obj[k].(string); isString && !validMeshGatewayModes[s] {
					semantic(p, fmt.Sprintf("mesh gateway mode %q is not one of \"\", none, local, remote", s))
				}
			}
			out[f.name] = toAPIKeys(f.field.Type, obj[k], p, report, semantic)
		}
		return out
	case reflect.Map:
		obj, ok := v.(map[string]interface{})
		if !ok || isOpaqueMap(t) {
			return v
		}
		out := make(map[string]interface{}, len(obj))
		for _, k := range sortedKeys(obj) {
			out[k] = toAPIKeys(t.Elem(), obj[k], pathKey(path, k), report, semantic)
		}
		return out
	case reflect.Slice, reflect.Array:
		arr, ok := v.([]interface{})
		if !ok {
			return v
		}
		out := make([]interface{}, len(arr))
		for i, e := range arr {
			out[i] = toAPIKeys(t.Elem(), e, pathIndex(path, i), report, semantic)
		}
		return out
	default:
		checkInteger(t, v, path, report)
		return v
	}
}

// checkPort reports a port that is present but not an integer in 1..65535.
func checkPort(v interface{}, path string, report reporter) {
	f, ok := v.(float64)
	if !ok {
		return // a type mismatch; the strict decode reports it
	}
	if f != math.Trunc(f) {
		return // checkInteger reports it
	}
	if f < 1 || f > 65535 {
		report(path, fmt.Sprintf("port %v is not in 1..65535", v))
	}
}

var validServiceKinds = map[api.ServiceKind]bool{
	api.ServiceKindConnectProxy:       true,
	api.ServiceKindMeshGateway:        true,
	api.ServiceKindTerminatingGateway: true,
	api.ServiceKindIngressGateway:     true,
	api.ServiceKindAPIGateway:         true,
}

// checkRegistration applies the checks the agent runs when it loads a service definition
// (service name, kind, gateway and proxy rules, the nested sidecar, upstreams). Paths use the
// config-file spelling.
func checkRegistration(s *api.AgentServiceRegistration, path string, sidecar bool, report reporter) {
	if sidecar {
		if s.Kind != "" && s.Kind != api.ServiceKindConnectProxy {
			report(pathKey(path, "kind"), fmt.Sprintf("a sidecar_service is always a connect-proxy; kind %q is not allowed", s.Kind))
		}
		if s.ID != "" {
			report(pathKey(path, "id"), "a sidecar_service cannot set id; the agent derives it from the parent service")
		}
		if s.Connect != nil && s.Connect.SidecarService != nil {
			report(pathKey(pathKey(path, "connect"), "sidecar_service"), "a sidecar_service cannot have a nested sidecar_service")
		}
		if s.Connect != nil && s.Connect.Native {
			report(pathKey(pathKey(path, "connect"), "native"), "a sidecar_service cannot be Connect native")
		}
	} else {
		if strings.TrimSpace(s.Name) == "" {
			report(pathKey(path, "name"), "a service definition needs a name")
		}
		if s.Kind != "" && !validServiceKinds[s.Kind] {
			report(pathKey(path, "kind"), fmt.Sprintf("kind %q is not one of connect-proxy, mesh-gateway, terminating-gateway, ingress-gateway, api-gateway", s.Kind))
		}
	}

	proxyPath := pathKey(path, "proxy")
	isGateway := !sidecar && (s.Kind == api.ServiceKindMeshGateway || s.Kind == api.ServiceKindTerminatingGateway ||
		s.Kind == api.ServiceKindIngressGateway || s.Kind == api.ServiceKindAPIGateway)
	if isGateway {
		if s.Port == 0 && s.Kind != api.ServiceKindIngressGateway && s.Kind != api.ServiceKindAPIGateway {
			report(pathKey(path, "port"), fmt.Sprintf("a %s needs a port", s.Kind))
		}
		if s.Connect != nil && s.Connect.SidecarService != nil {
			report(pathKey(pathKey(path, "connect"), "sidecar_service"), fmt.Sprintf("a %s cannot have a sidecar service", s.Kind))
		}
		if p := s.Proxy; p != nil {
			for _, f := range []struct {
				key string
				set bool
			}{
				{"destination_service_name", p.DestinationServiceName != ""},
				{"destination_service_id", p.DestinationServiceID != ""},
				{"local_service_address", p.LocalServiceAddress != ""},
				{"local_service_port", p.LocalServicePort != 0},
				{"local_service_socket_path", p.LocalServiceSocketPath != ""},
				{"upstreams", len(p.Upstreams) != 0},
			} {
				if f.set {
					report(pathKey(proxyPath, f.key), fmt.Sprintf("is invalid for a %s", s.Kind))
				}
			}
		}
	}

	if s.Kind == api.ServiceKindConnectProxy && !sidecar {
		if s.Proxy == nil || strings.TrimSpace(s.Proxy.DestinationServiceName) == "" {
			report(pathKey(proxyPath, "destination_service_name"), "a connect-proxy needs proxy.destination_service_name")
		} else if s.Proxy.DestinationServiceName == "*" {
			report(pathKey(proxyPath, "destination_service_name"), "must not be a wildcard")
		}
		if s.Connect != nil && s.Connect.Native {
			report(pathKey(pathKey(path, "connect"), "native"), "a proxy cannot also be Connect native")
		}
	}
	if (s.Kind == api.ServiceKindConnectProxy || sidecar) && s.Proxy != nil {
		partition := s.Partition
		if partition == "" {
			partition = "default"
		}
		checkUpstreams(s.Proxy.Upstreams, pathKey(proxyPath, "upstreams"), partition, report)
	}

	if !sidecar && s.Connect != nil && s.Connect.SidecarService != nil {
		sc := s.Connect.SidecarService
		if sc.Partition == "" {
			sc.Partition = s.Partition // a sidecar lives in its parent's partition
		}
		checkRegistration(sc, pathKey(pathKey(path, "connect"), "sidecar_service"), true, report)
	}
}

// checkUpstreams applies the agent's per-upstream rules and its duplicate checks.
func checkUpstreams(upstreams []api.Upstream, path, servicePartition string, report reporter) {
	type key struct{ typ, partition, namespace, peer, name, datacenter string }
	seen := map[key]bool{}
	binds := map[string]bool{}
	for i, u := range upstreams {
		p := pathIndex(path, i)
		if u.DestinationName == "" {
			report(p, "an upstream needs destination_name")
		} else if u.DestinationName == "*" {
			report(pathKey(p, "destination_name"), "must not be a wildcard")
		}
		if u.DestinationPeer != "" && u.Datacenter != "" {
			report(p, "an upstream cannot set both destination_peer and datacenter")
		}
		if u.DestinationPeer != "" && u.DestinationPartition != "" && u.DestinationPartition != servicePartition {
			report(pathKey(p, "destination_partition"), fmt.Sprintf("an upstream to a peer must target the service's own partition %q, got %q", servicePartition, u.DestinationPartition))
		}
		hasPort, hasSocket := u.LocalBindPort != 0, u.LocalBindSocketPath != ""
		if hasPort == hasSocket {
			report(p, "an upstream needs exactly one of local_bind_port and local_bind_socket_path")
		}
		k := key{string(u.DestinationType), u.DestinationPartition, u.DestinationNamespace, u.DestinationPeer, u.DestinationName, u.Datacenter}
		if seen[k] {
			report(p, fmt.Sprintf("duplicate upstream for %q", u.DestinationName))
		}
		seen[k] = true
		bind := u.LocalBindSocketPath
		if bind == "" {
			addr := u.LocalBindAddress
			if addr == "" {
				addr = "127.0.0.1"
			}
			bind = fmt.Sprintf("%s:%d", addr, u.LocalBindPort)
		}
		if binds[bind] {
			report(p, fmt.Sprintf("local bind %s is used by another upstream", bind))
		}
		binds[bind] = true
	}
}
