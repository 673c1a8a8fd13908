"""Who may see what: users, roles and the scoped view every dashboard page reads.

Nothing here imports Streamlit: scoping is enforced where the data is read, so the same
functions are unit-tested without a browser and could serve any other front end.
"""
