// Command kube-apiserver is the upstream Kubernetes API server, built from its published Go module
// (k8s.io/kubernetes/cmd/kube-apiserver/app) exactly as cmd/kube-apiserver/apiserver.go does, so the
// end-to-end tests run against the real thing, envtest-style. The version is pinned in go.mod.
package main

import (
	"os"
	_ "time/tzdata"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
