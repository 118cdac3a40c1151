# Image of the CareKPI job for a Flink cluster (docker compose, Kubernetes operator): the cluster
# jar (Flink provided by the image) in usrlib, the live configuration in /opt/carekpi.
# Build: docker build -t carekpi:0.1.0 .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY schemas schemas
COPY src src
RUN mvn -B -q -DskipTests -Pcluster package

FROM flink:2.2-java17
COPY --from=build /src/target/carekpi.jar /opt/flink/usrlib/carekpi.jar
COPY jobs/kpi-engine/config.yaml /opt/carekpi/config.yaml
