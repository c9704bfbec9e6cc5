import streamlit as st
from fabrique import ui
ui.header('methode', 'en construction')
ui.footer()
