import streamlit as st
from fabrique import ui
ui.header('iae_territoires', 'en construction')
ui.footer()
