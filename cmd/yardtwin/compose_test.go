package main

import (
	"context"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/spf13/pflag"
)

// TestComposeFile loads docker-compose.yml with compose-go, the loader Docker Compose itself uses
// (no Docker engine runs here), and checks what `make up` relies on: the services, pinned images,
// ports on 127.0.0.1 only, a healthcheck on every service, start order on healthy dependencies, and
// twins that run distributed on KurrentDB and Kafka with settings serve accepts.
func TestComposeFile(t *testing.T) {
	opts, err := cli.NewProjectOptions([]string{"../../docker-compose.yml"},
		cli.WithName("yardtwin"),
		cli.WithEnv([]string{"YARDTWIN_PUBLISHER_TOKENS=", "YARDTWIN_VIEWER_TOKENS="}),
	)
	if err != nil {
		t.Fatal(err)
	}
	project, err := cli.ProjectFromOptions(context.Background(), opts)
	if err != nil {
		t.Fatalf("compose-go: %v", err)
	}
	for _, name := range []string{"kafka", "kurrentdb", "ingest", "query"} {
		if _, ok := project.Services[name]; !ok {
			t.Errorf("no %s service", name)
		}
	}
	for name, svc := range project.Services {
		t.Run(name, func(t *testing.T) {
			checkImagePinned(t, svc)
			checkPortsOnLoopback(t, svc)
			if svc.HealthCheck == nil || svc.HealthCheck.Disable || len(svc.HealthCheck.Test) < 2 {
				t.Errorf("no healthcheck: %+v", svc.HealthCheck)
			}
			for dep, cond := range svc.DependsOn {
				if cond.Condition != types.ServiceConditionHealthy {
					t.Errorf("depends on %s with condition %q, want %s", dep, cond.Condition, types.ServiceConditionHealthy)
				}
			}
		})
	}

	ingest, query := project.Services["ingest"], project.Services["query"]
	for _, tt := range []struct {
		svc      types.ServiceConfig
		wantArgs []string
		wantDeps []string
	}{
		{svc: ingest, wantArgs: []string{"--role=ingest", "--store=kurrentdb://kurrentdb:2113?tls=false", "--kafka-brokers=kafka:9092"}, wantDeps: []string{"kafka", "kurrentdb"}},
		{svc: query, wantArgs: []string{"--role=query", "--store=kurrentdb://kurrentdb:2113?tls=false"}, wantDeps: []string{"kurrentdb"}},
	} {
		t.Run(tt.svc.Name+" command", func(t *testing.T) {
			cmd := []string(tt.svc.Command)
			if len(cmd) == 0 || cmd[0] != "serve" {
				t.Fatalf("command %q does not run serve", cmd)
			}
			for _, want := range tt.wantArgs {
				if !slices.Contains(cmd, want) {
					t.Errorf("command %q lacks %s", cmd, want)
				}
			}
			for _, dep := range tt.wantDeps {
				if _, ok := tt.svc.DependsOn[dep]; !ok {
					t.Errorf("does not wait for %s", dep)
				}
			}
			if tt.svc.Build == nil {
				t.Error("not built from the repository")
			}
			// The command is one serve accepts, checked as serve checks it at start.
			var f serveFlags
			fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
			set := serveSettings(fs, &f)
			if err := fs.Parse(cmd[1:]); err != nil {
				t.Fatalf("serve %q: %v", cmd[1:], err)
			}
			if err := prepareServe(set, &f); err != nil {
				t.Fatalf("serve %q: %v", cmd[1:], err)
			}
			if !strings.Contains(strings.Join(tt.svc.HealthCheck.Test, " "), "/readyz") {
				t.Errorf("healthcheck %q does not ask /readyz", tt.svc.HealthCheck.Test)
			}
		})
	}
	if env := project.Services["kurrentdb"].Environment["KURRENTDB_INSECURE"]; env == nil || *env != "true" {
		t.Error("kurrentdb is not in insecure dev mode")
	}
	if env := project.Services["kafka"].Environment["KAFKA_PROCESS_ROLES"]; env == nil || *env != "broker,controller" {
		t.Error("kafka is not a single KRaft node (broker,controller)")
	}
}

// checkImagePinned refuses an image without a tag, or tagged latest.
func checkImagePinned(t *testing.T, svc types.ServiceConfig) {
	t.Helper()
	image := svc.Image
	if svc.Build != nil && image == "yardtwin:dev" {
		return // built here, never pulled
	}
	name := image[strings.LastIndex(image, "/")+1:]
	_, tag, ok := strings.Cut(name, ":")
	if !ok || tag == "" || strings.Contains(tag, "latest") {
		t.Errorf("image %q is not pinned to a version tag", image)
	}
}

// checkPortsOnLoopback refuses a published port open beyond this machine.
func checkPortsOnLoopback(t *testing.T, svc types.ServiceConfig) {
	t.Helper()
	for _, p := range svc.Ports {
		if ip := net.ParseIP(p.HostIP); ip == nil || !ip.IsLoopback() {
			t.Errorf("port %s:%d is published on %q, not 127.0.0.1", p.Published, p.Target, p.HostIP)
		}
	}
}
