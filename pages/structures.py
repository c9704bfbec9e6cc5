import streamlit as st
from fabrique import ui
ui.header('structures', 'en construction')
ui.footer()
