package maps_test

import (
	"flag"
	"testing"

	"github.com/bpfplay/bpfplay/core/interp/testrun/oracletest"
)

// Map semantics checked against Linux 6.1. Each case is a program that
// exercises a map kind and records every helper's return value in the
// "res" array (slot i = i-th result); the kernel's answers (retval and
// every map's contents after the run) are in testdata/oracle.jsonl.
//
// To refresh the answers:
//
//	go test ./core/maps -run TestOracle -oracle-in /tmp/maps.jsonl
//	scripts/oracle.sh /tmp/maps.jsonl /tmp/maps.out
//	go test ./core/maps -run TestOracle -oracle-trim /tmp/maps.out
var (
	oracleIn   = flag.String("oracle-in", "", "write the cases as oracle input to this file and stop")
	oracleTrim = flag.String("oracle-trim", "", "trim this oracle output into testdata/oracle.jsonl")
)

func TestOracle(t *testing.T) {
	oracletest.Run(t, append(mapCases(), moreMapCases()...), "testdata/oracle.jsonl", *oracleIn, *oracleTrim)
}
