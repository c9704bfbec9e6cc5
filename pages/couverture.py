import streamlit as st
from fabrique import ui
ui.header('couverture', 'en construction')
ui.footer()
