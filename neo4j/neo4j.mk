# Local Neo4j 5.26 Community server (docs/neo4j.md). Include from the top Makefile:
#   include neo4j/neo4j.mk
# Settings come from the environment: RISKGRAPH_NEO4J_{HOME,PORT,HEAP,PAGECACHE,PASSWORD,...}.
NEO4J_SH := $(dir $(lastword $(MAKEFILE_LIST)))../scripts/neo4j.sh

.PHONY: neo4j-build neo4j-up neo4j-down neo4j-status neo4j-wipe
neo4j-build:
	@$(NEO4J_SH) build
neo4j-up:
	@$(NEO4J_SH) up
neo4j-down:
	@$(NEO4J_SH) down
neo4j-status:
	@$(NEO4J_SH) status || true
neo4j-wipe:
	@$(NEO4J_SH) wipe
