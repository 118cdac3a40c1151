# Image of the CareKPI job for a Flink cluster (docker compose, Kubernetes operator): the cluster
# jar (the engine alone, Flink provided by the image) in usrlib, the live configuration in
# /opt/carekpi, and the runnable jar with the tools (simulator) at /opt/carekpi/carekpi.jar.
# Build: docker build -t carekpi:0.1.0 .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY schemas schemas
COPY engine engine
COPY tools tools
COPY flink-cluster/pom.xml flink-cluster/pom.xml
COPY system-tests/pom.xml system-tests/pom.xml
RUN mvn -B -q -DskipTests -pl engine,tools -am package

FROM flink:2.2-java17
# Flink runs as the image's user flink (uid 9999). A volume mounted on /flink-data takes the
# ownership of this directory when it is first created: the checkpoints, savepoints and HA
# metadata must be writable by flink. (The image's entrypoint starts Flink as flink when it runs
# as root.)
USER root
RUN mkdir -p /flink-data/checkpoints /flink-data/savepoints /flink-data/ha \
 && chown -R flink:flink /flink-data
COPY --from=build /src/target/carekpi-cluster.jar /opt/flink/usrlib/carekpi.jar
COPY --from=build /src/target/carekpi.jar /opt/carekpi/carekpi.jar
COPY jobs/kpi-engine/config.yaml /opt/carekpi/config.yaml
