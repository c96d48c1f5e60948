.PHONY: run test lint

run:
	@tools/run

test:
	@tools/test

lint:
	@tools/lint
