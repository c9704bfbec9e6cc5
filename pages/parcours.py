import streamlit as st
from fabrique import ui
ui.header('parcours', 'en construction')
ui.footer()
