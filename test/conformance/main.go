// Command consul-conformance is tier 3 of cdktf-consul-peering's verification: it checks what a
// synthesized cdktf stack hands to Consul against Consul's own API types (github.com/hashicorp/consul/api
// v1.32.1, the version terraform-provider-consul 2.22.1 builds with).
//
//		consul-conformance [-allow-interpolation] [-service-def file.json]... cdk.tf.json...
//
//	  - every resource.consul_config_entry: config_json decoded strictly into the API type of its kind;
//	  - every typed config-entry resource (consul_config_entry_service_defaults, _service_intentions,
//	    _service_resolver): its attributes mapped to the API fields of its kind as the provider maps them
//	    (the resolver by the provider's schema, with its duration and convergence rules) and decoded
//	    strictly, plus the server's rules;
//	    any other consul_config_entry_* resource is reported as not covered;
//	  - every service definition (-service-def files, and JSON documents with a top-level "service" key
//	    uploaded by resource.docker_container.*.upload) converted from the agent config-file form and
//	    decoded strictly into api.AgentServiceRegistration, plus the checks the agent applies;
//	  - every resource.consul_acl_policy.rules parsed as a JSON ACL rule set.
//
// Success prints one summary line on stdout and exits 0. Each problem is one line on stderr
// ("file: resource address: JSON path: reason") and the exit code is 1. Usage errors exit 2.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type options struct {
	// allowInterpolation turns Terraform interpolations inside JSON documents into warnings (the
	// interpolated strings are replaced by a placeholder and the rest is still checked).
	allowInterpolation bool
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

type counts struct{ configEntries, serviceDefinitions, aclDocuments int }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	warnOut = stderr
	var opt options
	var serviceDefs, stacks stringList
	fs := flag.NewFlagSet("consul-conformance", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var(&serviceDefs, "service-def", "a service-definition JSON file in agent config-file form (repeatable)")
	fs.BoolVar(&opt.allowInterpolation, "allow-interpolation", false, "warn about Terraform interpolations inside JSON documents instead of failing")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: consul-conformance [-allow-interpolation] [-service-def file.json]... cdk.tf.json...")
		fs.PrintDefaults()
	}
	// Flags and stack files may be interleaved.
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return 2
		}
		args = fs.Args()
		if len(args) > 0 {
			stacks = append(stacks, args[0])
			args = args[1:]
		}
	}
	if len(stacks) == 0 && len(serviceDefs) == 0 {
		fs.Usage()
		return 2
	}

	probs := &problems{}
	var c counts
	for _, f := range stacks {
		checkStackFile(f, opt, probs, &c)
	}
	for _, f := range serviceDefs {
		doc, ok := readJSONObject(f, probs)
		if ok {
			c.serviceDefinitions += checkServiceDocument(f, "", doc, opt, probs)
		}
	}

	if len(probs.lines) > 0 {
		for _, l := range probs.lines {
			fmt.Fprintln(stderr, l)
		}
		return 1
	}
	fmt.Fprintf(stdout, "consul conformance: decoded %d config entries, %d service definitions, %d ACL documents\n",
		c.configEntries, c.serviceDefinitions, c.aclDocuments)
	return 0
}

// warnOut receives warnings; they never fail the run.
var warnOut io.Writer = os.Stderr

func warn(file, address, path, msg string) {
	w := &problems{}
	w.add(file, address, path, msg)
	fmt.Fprintln(warnOut, "warning: "+w.lines[0])
}

// checkInterpolations reports (or, with -allow-interpolation, warns about) every Terraform interpolation
// in a JSON document, and returns the document with interpolated strings replaced by a placeholder so the
// remaining checks still run. We never expect one: every Consul-side name and address is known at synth,
// so a `${...}` inside a JSON string is a token that leaked through JSON.stringify, and whatever Terraform
// renders there cannot be checked here.
func checkInterpolations(file, address, base string, doc interface{}, opt options, probs *problems) interface{} {
	findInterpolations(doc, base, func(path, value string) {
		msg := fmt.Sprintf("Terraform interpolation %q inside a JSON document; its rendered value cannot be checked", value)
		if opt.allowInterpolation {
			warn(file, address, path, msg)
		} else {
			probs.add(file, address, path, msg)
		}
	})
	return replaceInterpolations(doc)
}

func readJSONObject(file string, probs *problems) (map[string]interface{}, bool) {
	data, err := os.ReadFile(file)
	if err != nil {
		probs.add(file, "", "", "cannot read: "+err.Error())
		return nil, false
	}
	var doc interface{}
	if err := json.Unmarshal(data, &doc); err != nil {
		probs.add(file, "", "", "not valid JSON: "+err.Error())
		return nil, false
	}
	obj, ok := doc.(map[string]interface{})
	if !ok {
		probs.add(file, "", "", "top level must be a JSON object")
		return nil, false
	}
	return obj, true
}

// resourcesOfType returns resource.<type> of a synthesized stack as name -> block, names sorted.
func resourcesOfType(doc map[string]interface{}, typ string) ([]string, map[string]map[string]interface{}) {
	resources, _ := doc["resource"].(map[string]interface{})
	byName, _ := resources[typ].(map[string]interface{})
	out := map[string]map[string]interface{}{}
	var names []string
	for name, block := range byName {
		if b, ok := block.(map[string]interface{}); ok {
			out[name] = b
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, out
}

func checkStackFile(file string, opt options, probs *problems, c *counts) {
	doc, ok := readJSONObject(file, probs)
	if !ok {
		return
	}

	names, blocks := resourcesOfType(doc, "consul_config_entry")
	for _, name := range names {
		checkConfigEntry(file, "consul_config_entry."+name, blocks[name], opt, probs)
		c.configEntries++
	}

	c.configEntries += checkTypedConfigEntries(file, doc, opt, probs)

	names, blocks = resourcesOfType(doc, "consul_acl_policy")
	for _, name := range names {
		checkACLPolicy(file, "consul_acl_policy."+name, blocks[name], opt, probs)
		c.aclDocuments++
	}

	names, blocks = resourcesOfType(doc, "docker_container")
	for _, name := range names {
		uploads, _ := blocks[name]["upload"].([]interface{})
		for i, u := range uploads {
			upload, _ := u.(map[string]interface{})
			target, _ := upload["file"].(string)
			content, isString := upload["content"].(string)
			if !strings.HasSuffix(target, ".json") || !isString {
				continue
			}
			address := fmt.Sprintf("docker_container.%s.upload[%d] (%s)", name, i, target)
			var parsed interface{}
			if err := json.Unmarshal([]byte(content), &parsed); err != nil {
				warn(file, address, "content", "not JSON, so not checked as a service definition: "+err.Error())
				continue
			}
			obj, isObject := parsed.(map[string]interface{})
			_, hasService := obj["service"]
			_, hasServices := obj["services"]
			if isObject && (hasService || hasServices) {
				c.serviceDefinitions += checkServiceDocument(file, address, obj, opt, probs)
			}
		}
	}
}
