package neo4jstore

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var roundTrips = promauto.NewCounter(prometheus.CounterOpts{
	Name: "chainmatch_neo4j_statements_total",
	Help: "Cypher statements sent to Neo4j.",
})
