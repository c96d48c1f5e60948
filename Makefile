.PHONY: run test lint wheel clean distclean

run:
	@tools/run

test:
	@tools/test

lint:
	@tools/lint

# The addon's wheel in dist/ (OCA's whool; see pyproject.toml).
wheel:
	@tools/wheel

# What the commands made, in the checkout and outside it (see tools/clean).
clean:
	@tools/clean

distclean:
	@tools/clean --odoo-src
