# The README's two commands are `make run` and `make test`; both set up what is missing first.
MVN := ./mvnw -B -q
CLASSPATH_GOAL := dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime

.PHONY: setup build test run clean

setup:
	bash scripts/setup.sh

build: setup
	$(MVN) -DskipTests $(CLASSPATH_GOAL) package

# The installer smoke (the app-image drafts on the demo study with no network), then all tests.
test: setup
	bash scripts/offline-smoke.sh
	./mvnw -B $(CLASSPATH_GOAL) verify

# Opens the workstation with the demo study and the shipped demo model.
# On a machine without a display: xvfb-run -a make run
run: build
	bin/rayscribe gui

clean:
	$(MVN) clean
